import { describe, expect, it } from 'vitest';
import { classifyCallError } from './classify-call-error.js';

describe('classifyCallError', () => {
  it('takes RESOURCE_EXHAUSTED as a refusal', () => {
    expect(classifyCallError({ code: 8, details: 'model m is over its queue bound', retryInfo: true })).toBe(
      'refusal',
    );
  });

  it('takes UNAVAILABLE with RetryInfo or a message saying to retry as a refusal', () => {
    expect(classifyCallError({ code: 14, details: 'NATS is unreachable', retryInfo: true })).toBe('refusal');
    expect(
      classifyCallError({
        code: 14,
        details: 'could not queue the request for model m; try again',
        retryInfo: false,
      }),
    ).toBe('refusal');
  });

  it('takes a dead letter UNAVAILABLE without a retry hint as an answer, even if it says "retryable"', () => {
    expect(
      classifyCallError({
        code: 14,
        details: 'request could not be served: synthetic failure (retryable) after 3 deliveries',
        retryInfo: false,
      }),
    ).toBe('status');
  });

  it("takes grpc-js's own connection errors as a broken call, not an answer", () => {
    expect(classifyCallError({ code: 14, details: 'Connection dropped', retryInfo: false })).toBe(
      'transport',
    );
    expect(
      classifyCallError({
        code: 14,
        details: 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1234',
        retryInfo: false,
      }),
    ).toBe('transport');
    // A stream the server reset while shutting down: grpc-js's CANCELLED, no status from the router.
    expect(classifyCallError({ code: 1, details: 'Call cancelled', retryInfo: false })).toBe('transport');
  });

  it("takes the client's own deadline as silence, and the router's DEADLINE_EXCEEDED as an answer", () => {
    expect(
      classifyCallError({
        code: 4,
        details: 'Deadline exceeded after 23.004s,LB pick: 0.001s',
        retryInfo: false,
      }),
    ).toBe('silent');
    expect(
      classifyCallError({
        code: 4,
        details: 'no answer from model m within the 20000 ms deadline',
        retryInfo: false,
      }),
    ).toBe('status');
  });
});
