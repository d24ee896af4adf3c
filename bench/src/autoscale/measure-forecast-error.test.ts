import { describe, expect, it } from 'vitest';
import { measureForecastError } from './measure-forecast-error.js';
import type { PlanSample } from './poll-placement.js';

function sample(atMs: number, forecastPerSecond: number, demandPerSecond: number): PlanSample {
  return {
    atMs,
    model: 'a',
    demandPerSecond,
    forecastPerSecond,
    forecaster: 'holt',
    forecastErrorPerSecond: 0,
    desiredReplicas: 1,
    servingReplicas: 1,
    loadMs: 1_000,
    reason: 'forecast',
  };
}

describe('measureForecastError', () => {
  it('scores each forecast against the arrivals of the step ending at its horizon, in trace rates', () => {
    // Speedup 2: request times in trace ms become wall ms / 2 after the window start at 10 s.
    // 4 requests between trace 4 and 6 s = wall 12–13 s; none before.
    const requests = [4_200, 4_800, 5_400, 5_900].map((atMs) => ({ atMs, model: 'a', measured: true }));
    const clock = { startUnixMs: 10_000, endUnixMs: 20_000, speedup: 2 };
    const manager = { stepMs: 1_000, intervalMs: 1_000, fallbackLoadMs: 0 };
    // At 11 s the horizon is 13 s: the step (12, 13] holds 4 requests, 4 per wall second.
    // At 9 s (before the window) and 19 s (horizon past the end) nothing is scored.
    const samples = [sample(9_000, 50, 50), sample(11_000, 6, 0), sample(19_000, 1, 1)];
    const error = measureForecastError(samples, requests, clock, manager);
    expect(error).toEqual({
      meanAbsoluteErrorPerSecond: 1,
      naiveMeanAbsoluteErrorPerSecond: 2,
      meanArrivalsPerSecond: 2,
      samples: 1,
    });
  });

  it('gives null when no forecast falls in the window', () => {
    const clock = { startUnixMs: 10_000, endUnixMs: 11_000, speedup: 1 };
    const manager = { stepMs: 1_000, intervalMs: 1_000, fallbackLoadMs: 0 };
    expect(measureForecastError([sample(10_500, 1, 1)], [], clock, manager)).toBeNull();
  });
});
