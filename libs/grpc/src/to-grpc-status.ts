import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { SwitchboardError } from '@switchboard/errors';
import { isConnectionFailure } from './is-connection-failure.js';
import { encodeRetryInfo, STATUS_DETAILS_KEY } from './status-details.js';

/** What a client is told to wait before retrying when a dependency was unreachable. */
const DEPENDENCY_RETRY_AFTER_MS = 1_000;

/** A gRPC status ready to send: code and a client-safe message. */
export interface GrpcStatusObject {
  code: GrpcStatus;
  details: string;
  /** How long the client should wait before retrying, sent as google.rpc.RetryInfo; undefined for none. */
  retryAfterMs?: number;
  /** True when the error was not a known Switchboard error; the caller must log its cause. */
  unexpected: boolean;
}

/**
 * The one mapping from thrown values to gRPC statuses. Switchboard errors keep their code and
 * message; a dependency that could not be reached (a database down) becomes UNAVAILABLE with a
 * retry hint; anything else becomes INTERNAL with a generic message so internals never leak. Both
 * of the latter are `unexpected`, so their cause is logged.
 */
export function toGrpcStatus(error: unknown): GrpcStatusObject {
  if (error instanceof SwitchboardError) {
    const status = { code: error.code as number as GrpcStatus, details: error.message, unexpected: false };
    return error.retryAfterMs === undefined ? status : { ...status, retryAfterMs: error.retryAfterMs };
  }
  if (isConnectionFailure(error)) {
    return {
      code: GrpcStatus.UNAVAILABLE,
      details: `a service this call needs is unreachable; retry in ${DEPENDENCY_RETRY_AFTER_MS / 1000} s`,
      retryAfterMs: DEPENDENCY_RETRY_AFTER_MS,
      unexpected: true,
    };
  }
  return { code: GrpcStatus.INTERNAL, details: 'internal error', unexpected: true };
}

/**
 * Builds the ServiceError grpc-js callbacks expect from a status; a retry delay travels as
 * google.rpc.RetryInfo in `grpc-status-details-bin`, where standard gRPC clients look for it.
 */
export function toServiceError(status: GrpcStatusObject): Partial<ServiceError> {
  const metadata = new Metadata();
  if (status.retryAfterMs !== undefined) {
    const details = encodeRetryInfo(status.code, status.details, status.retryAfterMs);
    metadata.set(STATUS_DETAILS_KEY, Buffer.from(details));
  }
  return { code: status.code, details: status.details, metadata };
}
