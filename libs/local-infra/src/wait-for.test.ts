import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('resolves with the first truthy value the predicate returns', async () => {
    let calls = 0;

    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });

    expect(value).toEqual({ calls: 3 });
  });

  it('keeps polling while the predicate throws', async () => {
    let calls = 0;

    const value = await waitFor(
      () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
        return 'done';
      },
      { intervalMs: 1 },
    );

    expect(value).toBe('done');
  });

  it('rejects with the message and the last error once the timeout passes', async () => {
    const lastError = new Error('still missing');

    const failure = await waitFor(
      () => {
        throw lastError;
      },
      { timeoutMs: 30, intervalMs: 5, message: 'job row' },
    ).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('timed out after 30 ms waiting for job row');
    expect((failure as Error).cause).toBe(lastError);
  });

  it('awaits asynchronous predicates', async () => {
    const started = Date.now();

    await waitFor(async () => Date.now() - started >= 20, { intervalMs: 5 });

    expect(Date.now() - started).toBeGreaterThanOrEqual(20);
  });
});
