import { StatusCode, SwitchboardError } from '@switchboard/errors';

/**
 * Thrown by a method this server does not serve, or serves only to say why it cannot (UNIMPLEMENTED).
 * The message says why and what to use instead.
 */
export class UnimplementedError extends SwitchboardError {
  readonly code = StatusCode.UNIMPLEMENTED;
  readonly retryable = false;
}
