import { fromBinary } from '@bufbuild/protobuf';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ResourceExhaustedError } from '@switchboard/errors';
import { StatusSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { readRetryDelayMs, STATUS_DETAILS_KEY } from './status-details.js';
import { toGrpcStatus, toServiceError } from './to-grpc-status.js';

describe('google.rpc.RetryInfo in grpc-status-details-bin', () => {
  it('carries a retryable refusal’s delay as a google.rpc.Status a client decodes', () => {
    const error = new ResourceExhaustedError('queue full; retry in 1.25 s', { retryAfterMs: 1_250 });
    const { metadata } = toServiceError(toGrpcStatus(error));
    const [details] = metadata!.get(STATUS_DETAILS_KEY);
    const status = fromBinary(StatusSchema, details as Buffer);
    expect(status.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(status.message).toBe('queue full; retry in 1.25 s');
    expect(status.details[0]?.typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');
    expect(readRetryDelayMs(metadata!)).toBe(1_250);
  });

  it('sends no details for an error without a retry delay', () => {
    const { metadata } = toServiceError(toGrpcStatus(new ResourceExhaustedError('too many tensors')));
    expect(metadata!.get(STATUS_DETAILS_KEY)).toEqual([]);
    expect(readRetryDelayMs(metadata!)).toBeUndefined();
  });
});
