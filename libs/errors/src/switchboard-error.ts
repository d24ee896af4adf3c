import { StatusCode } from './status-code.js';

/** Options every Switchboard error accepts. */
export interface SwitchboardErrorOptions {
  cause?: unknown;
  /**
   * How long the caller should wait before retrying, in milliseconds; sent to gRPC clients as
   * google.rpc.RetryInfo. Only for refusals that a retry after that time may overcome (overload,
   * rate limits, a dependency coming back).
   */
  retryAfterMs?: number;
}

/**
 * Base of every error Switchboard raises on purpose. Its message is written for the caller and is
 * safe to send to clients; `code` says which gRPC status it becomes at the edge and `retryable`
 * whether sending the same request again (elsewhere or later) may succeed.
 */
export abstract class SwitchboardError extends Error {
  abstract readonly code: StatusCode;
  abstract readonly retryable: boolean;
  /** When set, the caller should wait this many milliseconds before retrying (see SwitchboardErrorOptions). */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Thrown when a request is malformed: wrong datatype, shape, contents or parameter. */
export class InvalidArgumentError extends SwitchboardError {
  readonly code = StatusCode.INVALID_ARGUMENT;
  readonly retryable = false;
}

/** Thrown when a named model, route, version or record does not exist. */
export class NotFoundError extends SwitchboardError {
  readonly code = StatusCode.NOT_FOUND;
  readonly retryable = false;
}

/** Thrown when creating something that already exists. */
export class AlreadyExistsError extends SwitchboardError {
  readonly code = StatusCode.ALREADY_EXISTS;
  readonly retryable = false;
}

/**
 * Thrown when a request exceeds a size limit or a capacity limit. With `retryAfterMs` it is a
 * refusal of the moment (overload, a quota, a concurrency limit) that the same request may pass
 * later, and so `retryable`; without, the request itself is too large and never will.
 */
export class ResourceExhaustedError extends SwitchboardError {
  readonly code = StatusCode.RESOURCE_EXHAUSTED;
  readonly retryable: boolean;

  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super(message, options);
    this.retryable = options.retryAfterMs !== undefined;
  }
}

/** Thrown when a request's deadline passed before it could be answered. */
export class DeadlineExceededError extends SwitchboardError {
  readonly code = StatusCode.DEADLINE_EXCEEDED;
  readonly retryable = false;
}

/** Thrown when a dependency (NATS, the registry, a worker pool) cannot serve now; retrying may help. */
export class UnavailableError extends SwitchboardError {
  readonly code = StatusCode.UNAVAILABLE;
  readonly retryable = true;
}

/** Thrown when a request carries no credentials or credentials nobody issued. */
export class UnauthenticatedError extends SwitchboardError {
  readonly code = StatusCode.UNAUTHENTICATED;
  readonly retryable = false;
}

/**
 * Thrown when a caller is known but not allowed to do what it asked: a tenant calling a model or
 * route outside its access list, or an admin call with the wrong credential.
 */
export class PermissionDeniedError extends SwitchboardError {
  readonly code = StatusCode.PERMISSION_DENIED;
  readonly retryable = false;
}

/** Thrown when the system is in a state that does not allow the operation (e.g. a model no worker can load). */
export class FailedPreconditionError extends SwitchboardError {
  readonly code = StatusCode.FAILED_PRECONDITION;
  readonly retryable = false;
}

/** Thrown when a model runtime fails while executing; `retryable` says whether another attempt may succeed. */
export class ExecutionError extends SwitchboardError {
  readonly code = StatusCode.INTERNAL;
  readonly retryable: boolean;

  constructor(message: string, options: SwitchboardErrorOptions & { retryable?: boolean } = {}) {
    super(message, options);
    this.retryable = options.retryable ?? true;
  }
}
