import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../shared/seeded-random.js';
import { createPoissonOffsets } from './create-poisson-offsets.js';

describe('createPoissonOffsets', () => {
  it('arrives at about the rate asked for, in order, within the duration', () => {
    const offsets = createPoissonOffsets(200, 50_000, createSeededRandom(1));
    // 10,000 expected; a Poisson count's standard deviation is 100.
    expect(offsets.length).toBeGreaterThan(9_700);
    expect(offsets.length).toBeLessThan(10_300);
    expect(offsets.every((offset, index) => offset >= (offsets[index - 1] ?? 0) && offset < 50_000)).toBe(
      true,
    );
  });

  it('has gaps as spread as their mean, as exponential gaps are', () => {
    const offsets = createPoissonOffsets(100, 100_000, createSeededRandom(2));
    const gaps = offsets.slice(1).map((offset, index) => offset - (offsets[index] ?? 0));
    const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    const deviation = Math.sqrt(gaps.reduce((sum, gap) => sum + (gap - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(10, 0);
    expect(deviation / mean).toBeGreaterThan(0.9);
    expect(deviation / mean).toBeLessThan(1.1);
  });

  it('repeats the same schedule for the same seed', () => {
    const first = createPoissonOffsets(50, 10_000, createSeededRandom(3));
    expect(createPoissonOffsets(50, 10_000, createSeededRandom(3))).toEqual(first);
    expect(createPoissonOffsets(50, 10_000, createSeededRandom(4))).not.toEqual(first);
  });
});
