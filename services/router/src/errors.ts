import { StatusCode, SwitchboardError } from '@switchboard/errors';
import type { SwitchboardErrorOptions } from '@switchboard/errors';

/**
 * Thrown when a model did not answer within the time the router gave one attempt so that another
 * model could still be tried. Unlike a request's own deadline passing (the client asked for too
 * little time), this counts against the model's circuit breaker, and another model may succeed.
 */
export class AttemptTimeoutError extends SwitchboardError {
  readonly code = StatusCode.DEADLINE_EXCEEDED;
  readonly retryable = true;

  constructor(
    readonly model: string,
    readonly attemptMs: number,
    options: SwitchboardErrorOptions = {},
  ) {
    super(`model ${model} did not answer within the ${attemptMs} ms given to one attempt`, options);
  }
}

/** How long a client should wait before retrying while NATS is unreachable: about one reconnect attempt. */
const QUEUE_RETRY_AFTER_MS = 1_000;

/**
 * Thrown when JetStream cannot take a job: the router is disconnected from NATS, or the publish got
 * no acknowledgement. Not the model's fault, so it counts against no circuit and no other model is
 * tried; the client is told to retry after {@link QUEUE_RETRY_AFTER_MS}.
 */
export class QueueUnavailableError extends SwitchboardError {
  readonly code = StatusCode.UNAVAILABLE;
  readonly retryable = true;

  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super(message, { retryAfterMs: QUEUE_RETRY_AFTER_MS, ...options });
  }
}
