import { describe, expect, it } from 'vitest';
import { TenantConcurrency } from './tenant-concurrency.js';

describe('TenantConcurrency', () => {
  it("refuses a tenant's request beyond its limit with a retry delay, and frees the slot when one ends", () => {
    const concurrency = new TenantConcurrency();
    const leave = concurrency.enter('acme', 'free', 1);
    expect(() => concurrency.enter('acme', 'free', 1)).toThrow(
      expect.objectContaining({ retryAfterMs: 100, message: expect.stringMatching(/free tier's limit/) }),
    );
    // Other tenants have their own count.
    concurrency.enter('globex', 'free', 1)();
    leave();
    leave(); // leaving twice frees one slot only
    expect(concurrency.inFlight('acme')).toBe(0);
    expect(() => concurrency.enter('acme', 'free', 1)).not.toThrow();
  });

  it('never refuses a tier without a limit', () => {
    const concurrency = new TenantConcurrency();
    for (let index = 0; index < 1_000; index += 1) concurrency.enter('acme', 'standard', 0);
    expect(concurrency.inFlight('acme')).toBe(1_000);
  });
});
