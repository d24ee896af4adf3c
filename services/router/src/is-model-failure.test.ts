import {
  DeadlineExceededError,
  ExecutionError,
  InvalidArgumentError,
  UnavailableError,
} from '@switchboard/errors';
import { describe, expect, it } from 'vitest';
import { AttemptTimeoutError } from './errors.js';
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
});
