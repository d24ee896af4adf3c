import { describe, expect, it } from 'vitest';
import { rolloutBucket } from './rollout-bucket.js';

describe('rolloutBucket', () => {
  it('places the same key in the same bucket every time', () => {
    expect(rolloutBucket('request-42/route/model')).toBe(rolloutBucket('request-42/route/model'));
  });

  it('spreads keys evenly over [0, 100)', () => {
    const buckets = Array.from({ length: 10_000 }, (_, index) => rolloutBucket(`request-${index}`));
    expect(Math.min(...buckets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...buckets)).toBeLessThan(100);
    const underTen = buckets.filter((bucket) => bucket < 10).length / buckets.length;
    expect(underTen).toBeGreaterThan(0.09);
    expect(underTen).toBeLessThan(0.11);
  });
});
