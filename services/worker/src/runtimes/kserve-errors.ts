import { status as GrpcStatus } from '@grpc/grpc-js';
import { ExecutionError, statusCodeName } from '@switchboard/errors';
import type { KserveCallError } from './kserve-client.js';

/** Statuses after which the same call may succeed later or on another replica. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
]);

/** The most characters of an upstream's status message an error quotes. */
const UPSTREAM_MESSAGE_CHARACTERS = 300;

/** Whether a thrown value is the gRPC status of a failed call (rather than a bug of ours). */
export function isKserveCallError(error: unknown): error is KserveCallError {
  return error instanceof Error && typeof (error as Partial<KserveCallError>).code === 'number';
}

/** Whether retrying a call that failed with `error` may help: UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED. */
export function isRetryableCallError(error: unknown): boolean {
  return isKserveCallError(error) && RETRYABLE_STATUSES.has(error.code);
}

/**
 * Describes a failed call for a message: its status name and the upstream's own message, cut to
 * a few hundred characters so a verbose upstream cannot bloat answers and logs.
 */
export function describeCallError(error: unknown): string {
  if (!isKserveCallError(error)) return error instanceof Error ? error.message : String(error);
  const details = error.details ?? '';
  const quoted =
    details.length > UPSTREAM_MESSAGE_CHARACTERS
      ? `${details.slice(0, UPSTREAM_MESSAGE_CHARACTERS)}…`
      : details;
  return quoted === '' ? statusCodeName(error.code) : `${statusCodeName(error.code)}: ${quoted}`;
}

/**
 * The error a failed ModelInfer call becomes: retryable for UNAVAILABLE, DEADLINE_EXCEEDED (the
 * call's own timeout included) and RESOURCE_EXHAUSTED, not retryable for every other status, whose
 * cause is the request or the upstream's model and would fail again anywhere.
 * @param upstream names the model and address, e.g. `model "iris" at triton:8001`.
 */
export function toInferError(error: unknown, upstream: string): ExecutionError {
  return new ExecutionError(`kserve upstream ${upstream} failed the batch: ${describeCallError(error)}`, {
    cause: error,
    retryable: isRetryableCallError(error),
  });
}
