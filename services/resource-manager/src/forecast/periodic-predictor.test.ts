import { describe, expect, it } from 'vitest';
import { createPeriodicPredictor } from './periodic-predictor.js';
import type { Predictor } from './predictor.js';

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
 * Step indices of two-step bursts every `periodSteps` steps from `firstStep`, each moved by a
 * seeded −1, 0 or +1 step (a cron-driven client's jitter).
 */
function burstSteps(
  periodSteps: number,
  firstStep: number,
  steps: number,
  random: () => number,
): Set<number> {
  const bursts = new Set<number>();
  for (let start = firstStep; start < steps; start += periodSteps) {
    const jittered = start + Math.floor(random() * 3) - 1;
    bursts.add(jittered);
    bursts.add(jittered + 1);
  }
  return bursts;
}

/** 5 ± 2 rps, 40 ± 2 rps in a burst step. */
function burstyRates(bursts: ReadonlySet<number>, steps: number, random: () => number): number[] {
  return Array.from({ length: steps }, (_, step) => (bursts.has(step) ? 40 : 5) + 4 * random() - 2);
}

/** Observes `rates` as the steps from `firstStep` on, 10 s each. */
function observeAll(predictor: Predictor, rates: readonly number[], firstStep = 0): void {
  for (const [index, rate] of rates.entries()) predictor.observe(rate, (firstStep + index + 1) * 10_000);
}

describe('createPeriodicPredictor', () => {
  it('forecasts a recurring burst one horizon ahead of it on a noisy series with a period', () => {
    const random = seededRandom(1);
    const bursts = burstSteps(29, 10, 600, random);
    const rates = burstyRates(bursts, 600, random);
    const predictor = createPeriodicPredictor();
    const atBursts: number[] = [];
    const atQuiet: number[] = [];
    for (const [step, rate] of rates.slice(0, 597).entries()) {
      predictor.observe(rate, (step + 1) * 10_000);
      // From step 100 on; the period is first found after 60 steps (2 × 29 + 4, looked for every 6).
      if (step < 100) continue;
      const target = step + 3;
      const forecast = predictor.forecast(3) ?? 0;
      if (bursts.has(target) && !bursts.has(target - 1)) atBursts.push(forecast);
      if ([...bursts].every((burst) => Math.abs(burst - target) > 5)) atQuiet.push(forecast);
    }

    // Bursts run at 40 ± 2 rps, the quiet steps at 5 ± 2.
    expect(atBursts).toHaveLength(17);
    expect(atBursts.filter((forecast) => forecast > 30).length).toBeGreaterThanOrEqual(13);
    expect(Math.max(...atQuiet)).toBeLessThan(8);
  });

  it('gives no forecast on long white noise, and seldom on short', () => {
    const random = seededRandom(2);
    const predictor = createPeriodicPredictor();
    for (let step = 1; step <= 1_000; step += 1) {
      predictor.observe(5 + 4 * random() - 2, step * 10_000);
      if (step > 240) expect(predictor.forecast(1)).toBeUndefined();
    }
    // Over fewer steps chance correlations are larger: twenty series of 240 steps.
    let withPeriod = 0;
    for (let seed = 10; seed < 30; seed += 1) {
      const short = seededRandom(seed);
      const shortPredictor = createPeriodicPredictor();
      for (let step = 1; step <= 240; step += 1) {
        shortPredictor.observe(5 + 4 * short() - 2, step * 10_000);
        if (shortPredictor.forecast(1) !== undefined) withPeriod += 1;
      }
    }
    // 72 of the 4 800 steps; at 0.25 alone, without the 3 / √n floor, 234.
    expect(withPeriod).toBeLessThan(100);
  });

  it('gives no forecast before it holds two periods and a few steps', () => {
    // Exact bursts every 20 steps: the period needs 2 × 20 + 4 steps and is looked for every 6
    // steps, so it is first seen at step 48 (at step 42 two periods fit, but not the 4 to spare).
    const rates = Array.from({ length: 48 }, (_, step) => (step % 20 < 2 ? 30 : 5));
    const predictor = createPeriodicPredictor();
    observeAll(predictor, rates.slice(0, 47));
    expect(predictor.forecast(1)).toBeUndefined();

    observeAll(predictor, rates.slice(47), 47);
    expect(predictor.forecast(12)).toBe(30);
  });

  it('finds no period in a ramp or a change of level', () => {
    const ramp = createPeriodicPredictor();
    observeAll(
      ramp,
      Array.from({ length: 360 }, (_, step) => step + (step % 2)),
    );
    expect(ramp.forecast(1)).toBeUndefined();

    const shift = createPeriodicPredictor();
    observeAll(
      shift,
      Array.from({ length: 360 }, (_, step) => (step < 200 ? 5 : 50) + (step % 3)),
    );
    expect(shift.forecast(1)).toBeUndefined();
  });

  it('averages, over up to three past periods, the largest rate within a step of the same phase', () => {
    // Period 10 steps; the steps of phase 4 carry the period's number, phase 3 and 5 a little less.
    const rates = Array.from({ length: 60 }, (_, step) => {
      const phase = step % 10;
      const period = Math.floor(step / 10);
      if (phase === 4) return 10 * (period + 1);
      return phase === 3 || phase === 5 ? 10 * period + 5 : 0;
    });
    const predictor = createPeriodicPredictor();
    observeAll(predictor, rates);
    // The newest step is 59 (phase 9); 5 steps on is phase 4, last seen at 54, 44 and 34.
    expect(predictor.forecast(5)).toBe((60 + 50 + 40) / 3);
    // 4 steps on is phase 3: its neighbours at phase 4 are larger.
    expect(predictor.forecast(4)).toBe((60 + 50 + 40) / 3);
    // 15 steps on: the same phase one period later, from 54, 44 and 34 again.
    expect(predictor.forecast(15)).toBe((60 + 50 + 40) / 3);
    // Far ahead the newest periods still repeat: 405 steps on is phase 4 again.
    expect(predictor.forecast(405)).toBe((60 + 50 + 40) / 3);
  });

  it('forgets steps older than its buffer of 360', () => {
    const random = seededRandom(3);
    const old = burstyRates(burstSteps(29, 5, 3_600, random), 3_600, random);
    const recent = burstyRates(burstSteps(13, 2, 360, random), 360, random);
    const longFed = createPeriodicPredictor();
    observeAll(longFed, [...old, ...recent]);
    const recentOnly = createPeriodicPredictor();
    observeAll(recentOnly, recent);

    const ahead = Array.from({ length: 40 }, (_, step) => step + 1);
    expect(recentOnly.forecast(13)).toBeDefined();
    expect(ahead.map((steps) => longFed.forecast(steps))).toEqual(
      ahead.map((steps) => recentOnly.forecast(steps)),
    );
  });
});
