import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { SwitchboardError } from '@switchboard/errors';

/** A gRPC status ready to send: code and a client-safe message. */
export interface GrpcStatusObject {
  code: GrpcStatus;
  details: string;
  /** True when the error was not a known Switchboard error; the caller must log its cause. */
  unexpected: boolean;
}

/**
 * The one mapping from thrown values to gRPC statuses. Switchboard errors keep their code and
 * message; anything else becomes INTERNAL with a generic message so internals never leak.
 */
export function toGrpcStatus(error: unknown): GrpcStatusObject {
  if (error instanceof SwitchboardError) {
    return { code: error.code as number as GrpcStatus, details: error.message, unexpected: false };
  }
  return { code: GrpcStatus.INTERNAL, details: 'internal error', unexpected: true };
}

/** Builds the ServiceError grpc-js callbacks expect from a status. */
export function toServiceError(status: GrpcStatusObject): Partial<ServiceError> {
  return { code: status.code, details: status.details, metadata: new Metadata() };
}
