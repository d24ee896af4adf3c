import { StatusCode, SwitchboardError } from '@switchboard/errors';
import { AttemptTimeoutError } from './errors.js';

const MODEL_FAILURES = new Set<StatusCode>([StatusCode.UNAVAILABLE, StatusCode.INTERNAL]);

/**
 * Whether `error` says the model failed, so its circuit counts it and another model may be tried:
 * it was unavailable, broke, or overran an attempt the router had cut short. A request whose own
 * deadline passed says nothing about the model — a busy model must not have its circuit opened by
 * clients that ask for too little time.
 */
export function isModelFailure(error: unknown): boolean {
  return (
    error instanceof AttemptTimeoutError ||
    (error instanceof SwitchboardError && MODEL_FAILURES.has(error.code))
  );
}
