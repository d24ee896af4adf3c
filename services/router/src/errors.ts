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
