import { describe, expect, it } from 'vitest';
import { peakReplicas, poolBound, scheduleRequests } from './plan-autoscale-run.js';

const window = {
  startMs: 10_000,
  endMs: 20_000,
  binMs: 1_000,
  peakToMean: 1,
  meanPerSecond: 1,
  peakPerSecond: 1,
  peakAtMs: 10_000,
};

describe('scheduleRequests', () => {
  it('keeps the window and its lead-in, times relative to the window, only the window measured', () => {
    const arrivals = [4_000, 7_000, 10_000, 19_999, 20_000].map((offsetMs) => ({ offsetMs, model: 'a' }));
    expect(scheduleRequests(arrivals, window, 5_000)).toEqual([
      { atMs: -3_000, model: 'a', measured: false },
      { atMs: 0, model: 'a', measured: true },
      { atMs: 9_999, model: 'a', measured: true },
    ]);
  });
});

describe('peakReplicas', () => {
  it("sizes for the model's busiest bin of the measured window at the target utilisation", () => {
    const requests = [
      // 30 requests of `a` in the lead-in's second: not measured, not sized for.
      ...Array.from({ length: 30 }, () => ({ atMs: -500, model: 'a', measured: false })),
      // 13 in the first measured second, 3 in the next; 20 of `b`.
      ...Array.from({ length: 13 }, () => ({ atMs: 100, model: 'a', measured: true })),
      ...Array.from({ length: 3 }, () => ({ atMs: 1_100, model: 'a', measured: true })),
      ...Array.from({ length: 20 }, () => ({ atMs: 1_100, model: 'b', measured: true })),
    ];
    const options = { binMs: 1_000, capacityPerSecond: 5, targetUtilisation: 0.5 };
    // 13 per second ÷ 2.5 per replica = 5.2 → 6.
    expect(peakReplicas(requests, 'a', options)).toBe(6);
    expect(peakReplicas(requests, 'b', options)).toBe(8);
    expect(peakReplicas(requests, 'idle', options)).toBe(1);
  });
});

describe('poolBound', () => {
  it("fits every model's peak at once, a model's replicas on distinct workers", () => {
    // Three replicas per worker: 4 + 1 replicas need 2 workers by memory, 4 by spread.
    expect(poolBound([4, 1], 16, 48)).toBe(4);
    // 3 + 3 + 3 = 9 replicas by memory need 3 workers, as does the spread.
    expect(poolBound([3, 3, 3, 3], 16, 48)).toBe(4);
    expect(poolBound([2, 2, 2, 2, 2, 2, 2], 16, 48)).toBe(5);
  });
});
