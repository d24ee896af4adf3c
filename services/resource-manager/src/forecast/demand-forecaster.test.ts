import { describe, expect, it } from 'vitest';
import { createDemandForecaster } from './demand-forecaster.js';
import type { DemandForecaster, MinuteCounts } from './demand-forecaster.js';

const STEP_MS = 10_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A seeded uniform generator (mulberry32), so the noisy series are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Poisson arrivals: request counts as a real model sees them. Knuth's method, in parts of a mean
 * of at most 30 (the sum of Poisson counts is Poisson), as e^−mean underflows for large means.
 */
function poisson(random: () => number, mean: number): number {
  let count = 0;
  for (let left = mean; left > 0; left -= 30) {
    const limit = Math.exp(-Math.min(left, 30));
    let product = random();
    while (product > limit) {
      count += 1;
      product *= random();
    }
  }
  return count;
}

/** Feeds the steps ending in (fromMs, toMs]: Poisson arrivals at `ratePerSecond` of the step's middle. */
function feed(
  forecaster: DemandForecaster,
  fromMs: number,
  toMs: number,
  ratePerSecond: (timeMs: number) => number,
  random: () => number,
): void {
  for (let stepEnd = fromMs + STEP_MS; stepEnd <= toMs; stepEnd += STEP_MS) {
    forecaster.observe(
      poisson(random, (ratePerSecond(stepEnd - STEP_MS / 2) * STEP_MS) / 1_000) / (STEP_MS / 1_000),
      stepEnd,
    );
  }
}

function history(
  fromMs: number,
  toMs: number,
  ratePerSecond: (minuteMs: number) => number,
  random: () => number,
): MinuteCounts {
  const counts = new Map<number, number>();
  for (let minute = fromMs; minute < toMs; minute += MINUTE_MS) {
    const count = poisson(random, ratePerSecond(minute + MINUTE_MS / 2) * 60);
    if (count > 0) counts.set(minute, count);
  }
  return counts;
}

function errorOf(forecaster: DemandForecaster, name: string): number {
  return forecaster.errors().find((error) => error.name === name)!.meanAbsoluteError;
}

describe('createDemandForecaster', () => {
  it('uses the naive baseline until it has scored enough forecasts, and forecasts 0 before any step', () => {
    const forecaster = createDemandForecaster({ stepMs: STEP_MS, horizonSteps: 1, warmupSamples: 3 });
    expect(forecaster.forecast(1)).toBe(0);
    // A ramp: Holt is better from the start, but the baseline holds until three forecasts are scored.
    for (let step = 1; step <= 3; step += 1) forecaster.observe(step * 10, step * STEP_MS);
    expect(forecaster.chosen()).toEqual({ name: 'naive', meanAbsoluteError: 10, samples: 2 });
    expect(forecaster.forecast(1)).toBe(30);

    forecaster.observe(40, 4 * STEP_MS);
    forecaster.observe(50, 5 * STEP_MS);
    expect(forecaster.chosen().name).toBe('damped-holt');
    expect(forecaster.forecast(1)).toBeGreaterThan(50);
  });

  it('measures each error at the horizon: on a ramp the baseline errs by the horizon times the slope', () => {
    for (const horizonSteps of [1, 6]) {
      const forecaster = createDemandForecaster({ stepMs: STEP_MS, horizonSteps });
      for (let step = 1; step <= 40; step += 1) forecaster.observe(step, step * STEP_MS);
      const naive = forecaster.errors().find((error) => error.name === 'naive')!;
      expect(naive).toEqual({ name: 'naive', meanAbsoluteError: horizonSteps, samples: 40 - horizonSteps });
    }
  });

  it('chooses the damped Holt predictor on a noisy demand ramp and extrapolates it, finding no period in it', () => {
    const forecaster = createDemandForecaster({ stepMs: STEP_MS, horizonSteps: 3 });
    // 5 rps rising by 1 rps per step, for 20 minutes.
    feed(forecaster, 0, 20 * MINUTE_MS, (timeMs) => 5 + timeMs / STEP_MS, seededRandom(1));

    expect(forecaster.chosen().name).toBe('damped-holt');
    expect(errorOf(forecaster, 'damped-holt')).toBeLessThan(errorOf(forecaster, 'naive'));
    // A ramp correlates with itself at every lag, most at the shortest: no period.
    expect(forecaster.errors().find((error) => error.name === 'periodic')!.samples).toBe(0);
    // The last step's middle ran at 124.5 rps; three steps on the ramp is at 127.5.
    expect(forecaster.forecast(3)).toBeGreaterThan(122);
    expect(forecaster.forecast(3) - forecaster.forecast(1)).toBeGreaterThan(1);
  });

  it('chooses the periodic predictor on bursts that recur within the hour, and foresees the next burst', () => {
    // 5 rps, and 40 rps for two steps every 29 steps (4 min 50 s), each burst a step early or late.
    const random = seededRandom(7);
    const bursts = new Set<number>();
    for (let start = 10; start < 400; start += 29) {
      const jittered = start + Math.floor(random() * 3) - 1;
      bursts.add(jittered);
      bursts.add(jittered + 1);
    }
    const bursty = (timeMs: number): number => (bursts.has(Math.floor(timeMs / STEP_MS)) ? 40 : 5);
    const nextBurst = [...bursts].filter((step) => step >= 360).sort((a, b) => a - b)[0]!;
    const forecaster = createDemandForecaster({ stepMs: STEP_MS, horizonSteps: 3 });
    // An hour of steps, up to three steps before the next burst begins.
    feed(forecaster, 0, (nextBurst - 3) * STEP_MS, bursty, seededRandom(8));

    expect(forecaster.chosen().name).toBe('periodic');
    expect(errorOf(forecaster, 'periodic')).toBeLessThan(0.8 * errorOf(forecaster, 'damped-holt'));
    expect(errorOf(forecaster, 'periodic')).toBeLessThan(0.8 * errorOf(forecaster, 'naive'));
    expect(forecaster.forecast(3)).toBeGreaterThan(30);
  });

  it('chooses a seasonal predictor on a daily pattern its history knows, and foresees the daily rise a horizon ahead', () => {
    // 1 rps until 09:00 each day, 30 rps from then; today is the ninth day.
    const rise = (timeMs: number): number => (timeMs % DAY_MS < 9 * HOUR_MS ? 1 : 30);
    const nineMs = 8 * DAY_MS + 9 * HOUR_MS;
    const options = { stepMs: STEP_MS, horizonSteps: 6 };
    const seasonal = createDemandForecaster({
      ...options,
      history: history(DAY_MS, nineMs - HOUR_MS, rise, seededRandom(2)),
    });
    const blind = createDemandForecaster(options);
    const beforeNine: Record<string, number> = {};
    for (const [name, forecaster] of [
      ['seasonal', seasonal],
      ['blind', blind],
    ] as const) {
      // Up to 08:59:10: six steps on, the step ending 09:00:10 is the first at 30 rps.
      feed(forecaster, nineMs - 40 * MINUTE_MS, nineMs - 50_000, rise, seededRandom(3));
      beforeNine[name] = forecaster.forecast(6);
    }

    expect(seasonal.chosen().name).toMatch(/^seasonal-/);
    expect(seasonal.forecast(5)).toBeLessThan(3);
    expect(beforeNine.seasonal).toBeGreaterThan(20);
    expect(beforeNine.blind).toBeLessThan(3);
    expect(
      blind
        .errors()
        .filter((error) => error.name.startsWith('seasonal-'))
        .map((error) => error.samples),
    ).toEqual([0, 0]);
  });

  it('leaves a seasonal predictor out where its history does not cover the forecast time', () => {
    const forecaster = createDemandForecaster({ stepMs: STEP_MS, horizonSteps: 1, warmupSamples: 3 });
    const steady = (): number => 4;
    // History of yesterday from 08:00 to 08:05 only: today's steps after 08:05 are not covered.
    forecaster.setHistory(
      history(7 * DAY_MS + 8 * HOUR_MS, 7 * DAY_MS + 8 * HOUR_MS + 5 * MINUTE_MS, steady, seededRandom(4)),
    );
    const from = 8 * DAY_MS + 8 * HOUR_MS;
    feed(forecaster, from, from + 3 * MINUTE_MS, steady, seededRandom(5));
    const covered = forecaster.errors().find((error) => error.name === 'seasonal-daily')!.samples;
    expect(covered).toBeGreaterThan(3);

    feed(forecaster, from + 3 * MINUTE_MS, from + 20 * MINUTE_MS, steady, seededRandom(6));
    expect(forecaster.errors().find((error) => error.name === 'seasonal-daily')!.samples).toBeLessThanOrEqual(
      covered + 12,
    );
    expect(forecaster.chosen().name).not.toMatch(/^seasonal-/);
  });

  it('ignores a step it has seen', () => {
    const forecaster = createDemandForecaster({ stepMs: STEP_MS, horizonSteps: 1 });
    for (let step = 1; step <= 10; step += 1) forecaster.observe(5, step * STEP_MS);
    forecaster.observe(500, 10 * STEP_MS);
    forecaster.observe(500, 9 * STEP_MS);

    expect(forecaster.errors().find((error) => error.name === 'naive')).toEqual({
      name: 'naive',
      meanAbsoluteError: 0,
      samples: 9,
    });
    expect(forecaster.forecast(1)).toBe(5);
  });

  it('never forecasts below zero, though a falling trend points there', () => {
    const forecaster = createDemandForecaster({ stepMs: STEP_MS, horizonSteps: 1, warmupSamples: 2 });
    for (let step = 1; step <= 10; step += 1) forecaster.observe(110 - step * 10, step * STEP_MS);

    expect(forecaster.chosen().name).toBe('damped-holt');
    expect(forecaster.forecast(1)).toBeGreaterThan(0);
    expect(forecaster.forecast(10)).toBe(0);
  });

  it('rejects a negative or non-finite rate and a step length that is not positive', () => {
    const forecaster = createDemandForecaster({ stepMs: STEP_MS, horizonSteps: 1 });
    expect(() => forecaster.observe(-1, STEP_MS)).toThrow(RangeError);
    expect(() => forecaster.observe(Number.NaN, STEP_MS)).toThrow(RangeError);
    expect(() => createDemandForecaster({ stepMs: 0, horizonSteps: 1 })).toThrow(RangeError);
  });

  it('keeps only the newest errors in its window', () => {
    const forecaster = createDemandForecaster({ stepMs: STEP_MS, horizonSteps: 1, errorWindowSteps: 5 });
    for (let step = 1; step <= 20; step += 1) forecaster.observe(step === 10 ? 100 : step, step * STEP_MS);
    expect(forecaster.errors().map((error) => error.samples)).toEqual([5, 5, 0, 0, 0]);
    expect(errorOf(forecaster, 'naive')).toBe(1);
  });

  it('scores a new horizon only with forecasts made for it', () => {
    const forecaster = createDemandForecaster({ stepMs: STEP_MS, horizonSteps: 1 });
    for (let step = 1; step <= 20; step += 1) forecaster.observe(step, step * STEP_MS);
    expect(forecaster.errors()[0]).toEqual({ name: 'naive', meanAbsoluteError: 1, samples: 19 });

    forecaster.setHorizon(3);
    // The forecast made at step 20 for one step ahead was dropped; the first for three steps
    // ahead, made at step 21, comes due at step 24.
    for (let step = 21; step <= 23; step += 1) forecaster.observe(step, step * STEP_MS);
    expect(forecaster.errors()[0]!.samples).toBe(19);
    for (let step = 24; step <= 30; step += 1) forecaster.observe(step, step * STEP_MS);
    expect(forecaster.errors()[0]).toEqual({
      name: 'naive',
      meanAbsoluteError: (19 + 7 * 3) / 26,
      samples: 26,
    });
  });
});
