import { describe, expect, it } from 'vitest';
import type { OpenLoopOutcome } from '../shared/send-open-loop.js';
import { percentileOf, summariseProbe } from './summarise-probe.js';

/** One request a millisecond after the previous from 0 to 2 s, each answered `latencyMs` later. */
function steadyOutcomes(latencyMs: (index: number) => number, code = () => 0): OpenLoopOutcome[] {
  return Array.from({ length: 2_000 }, (_, index) => ({
    index,
    sentAtMs: index,
    doneAtMs: index + latencyMs(index),
    code: code(),
  }));
}

describe('percentileOf', () => {
  it('takes the nearest rank: the 99th of 100 values is the 99th smallest', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentileOf(values, 0.99)).toBe(99);
    expect(percentileOf(values, 0.5)).toBe(50);
    expect(percentileOf([7], 0.99)).toBe(7);
    expect(percentileOf([], 0.99)).toBeNaN();
  });
});

describe('summariseProbe', () => {
  it('counts only requests sent after the warm-up, at the rate they arrived', () => {
    const outcomes = steadyOutcomes((index) => (index < 1_000 ? 500 : 5));
    const summary = summariseProbe(outcomes, { warmUpMs: 1_000, endMs: 2_000, timeScale: 1 });
    expect(summary.measured).toBe(1_000);
    expect(summary.offeredRps).toBeCloseTo(1_000, 0);
    expect(summary.p99Ms).toBe(5);
  });

  it('puts P99 out of reach when more than 1% of the requests failed', () => {
    const outcomes = steadyOutcomes(
      () => 5,
      () => 0,
    ).map((outcome) => (outcome.index % 50 === 0 ? { ...outcome, code: 4 } : outcome));
    const summary = summariseProbe(outcomes, { warmUpMs: 0, endMs: 2_000, timeScale: 1 });
    expect(summary.failed).toBe(40);
    expect(summary.p99Ms).toBe(Infinity);
    expect(summary.p50Ms).toBe(5);
  });

  it('counts as throughput the measured requests answered, so failures lower it', () => {
    const outcomes = steadyOutcomes(() => 5).map((outcome) =>
      outcome.index % 4 === 0 ? { ...outcome, code: 4 } : outcome,
    );
    const summary = summariseProbe(outcomes, { warmUpMs: 0, endMs: 2_000, timeScale: 1 });
    expect(summary.offeredRps).toBeCloseTo(1_000, 0);
    expect(summary.throughputRps).toBeCloseTo(750, 0);
  });

  it('reads simulated time: latencies times the scale, rates divided by it', () => {
    const outcomes = steadyOutcomes(() => 10);
    const summary = summariseProbe(outcomes, { warmUpMs: 0, endMs: 2_000, timeScale: 10 });
    expect(summary.p99Ms).toBe(100);
    expect(summary.offeredRps).toBeCloseTo(100, 0);
  });
});
