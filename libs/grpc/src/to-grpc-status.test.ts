import { status as GrpcStatus } from '@grpc/grpc-js';
import { ResourceExhaustedError } from '@switchboard/errors';
import { describe, expect, it } from 'vitest';
import { toGrpcStatus } from './to-grpc-status.js';

/** An error as Node's sockets and the `postgres` package raise them: a message and a code. */
function codedError(code: string, message = 'failed'): Error {
  return Object.assign(new Error(message), { code });
}

describe('toGrpcStatus', () => {
  it('keeps a Switchboard error its code, message and retry delay', () => {
    const error = new ResourceExhaustedError('queue full; retry in 2 s', { retryAfterMs: 2_000 });
    expect(toGrpcStatus(error)).toEqual({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      details: 'queue full; retry in 2 s',
      retryAfterMs: 2_000,
      unexpected: false,
    });
  });

  it('tells the client UNAVAILABLE with a retry hint when the database cannot be reached', () => {
    for (const error of [
      codedError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      codedError('CONNECTION_ENDED'),
      codedError('57P01', 'terminating connection due to administrator command'),
      new AggregateError([codedError('ECONNREFUSED')]),
      new Error('query failed', { cause: codedError('CONNECT_TIMEOUT') }),
    ]) {
      expect(toGrpcStatus(error)).toMatchObject({ code: GrpcStatus.UNAVAILABLE, retryAfterMs: 1_000 });
    }
  });

  it('hides anything else behind INTERNAL, never its message', () => {
    const status = toGrpcStatus(codedError('23505', 'duplicate key value violates "models_pkey"'));
    expect(status).toEqual({ code: GrpcStatus.INTERNAL, details: 'internal error', unexpected: true });
  });
});
