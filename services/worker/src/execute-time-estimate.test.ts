import { describe, expect, it } from 'vitest';
import { ExecuteTimeEstimate } from './execute-time-estimate.js';

describe('ExecuteTimeEstimate', () => {
  it('uses the latency prior until a batch is measured, then the nearest measured size', () => {
    const estimate = new ExecuteTimeEstimate(7);
    expect(estimate.expectedMs(4)).toBe(7);
    estimate.record(2, 10);
    estimate.record(8, 40);
    expect(estimate.expectedMs(2)).toBe(10);
    expect(estimate.expectedMs(3)).toBe(10);
    expect(estimate.expectedMs(7)).toBe(40);
  });

  it('moves toward newer measurements of a size', () => {
    const estimate = new ExecuteTimeEstimate(0);
    estimate.record(4, 10);
    estimate.record(4, 20);
    expect(estimate.expectedMs(4)).toBeCloseTo(13);
  });
});
