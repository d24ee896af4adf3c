import { StatusCode, SwitchboardError } from '@switchboard/errors';
import { AttemptTimeoutError, QueueUnavailableError } from './errors.js';

const MODEL_FAILURES = new Set<StatusCode>([StatusCode.UNAVAILABLE, StatusCode.INTERNAL]);

/**
 * Whether `error` says the model failed, so its circuit counts it and another model may be tried:
 * it was unavailable, broke, or overran an attempt the router had cut short. A request whose own
 * deadline passed says nothing about the model — a busy model must not have its circuit opened by
 * clients that ask for too little time, nor a NATS outage by requests that could not be queued.
 */
export function isModelFailure(error: unknown): boolean {
  if (error instanceof QueueUnavailableError) return false;
  return (
    error instanceof AttemptTimeoutError ||
    (error instanceof SwitchboardError && MODEL_FAILURES.has(error.code))
  );
}
