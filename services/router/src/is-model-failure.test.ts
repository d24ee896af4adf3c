import {
  DeadlineExceededError,
  ExecutionError,
  InvalidArgumentError,
  UnavailableError,
} from '@switchboard/errors';
import { describe, expect, it } from 'vitest';
import { AttemptTimeoutError, QueueUnavailableError } from './errors.js';
import { isModelFailure } from './is-model-failure.js';

describe('isModelFailure', () => {
  it('counts an unavailable or broken model and an attempt the router cut short', () => {
    expect(isModelFailure(new UnavailableError('no worker'))).toBe(true);
    expect(isModelFailure(new ExecutionError('runtime crashed', { retryable: false }))).toBe(true);
    expect(isModelFailure(new AttemptTimeoutError('slow', 300))).toBe(true);
  });

  it("does not count the client's own deadline passing or a malformed request", () => {
    expect(isModelFailure(new DeadlineExceededError('the request deadline passed'))).toBe(false);
    expect(isModelFailure(new InvalidArgumentError('bad shape'))).toBe(false);
    expect(isModelFailure(new Error('anything else'))).toBe(false);
  });

  it('does not count a request that could not be queued because NATS was unreachable', () => {
    const refusal = new QueueUnavailableError('NATS is unreachable');
    expect(isModelFailure(refusal)).toBe(false);
    expect(refusal).toMatchObject({ code: 14, retryable: true, retryAfterMs: 1_000 });
  });
});
