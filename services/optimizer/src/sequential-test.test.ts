import { mean, variance } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';
import {
  EMPTY_MOMENTS,
  addSamples,
  boundedVariance,
  mergeMoments,
  mixtureConfidenceInterval,
  sampleVariance,
} from './sequential-test.js';
import type { Moments } from './sequential-test.js';

const ALPHA = 0.05;
const RUNS = 400;
/** Samples added to both arms together between two looks; the canary gets a fifth of them. */
const LOOK_EVERY = 25;
const LOOKS = 160;

/** A standard normal draw (Box–Muller) from a seeded uniform generator. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

type Draw = (random: () => number) => number;

/**
 * Runs `RUNS` monitored comparisons of a canary (a fifth of the samples) with a stable arm, looking
 * after every `LOOK_EVERY` samples; returns the share of runs whose interval, at some look, lay
 * wholly above `threshold` (`above`) or wholly below it (`below`), and the first look it did.
 */
function monitor(
  drawCanary: Draw,
  drawStable: Draw,
  interval: (canary: Moments, stable: Moments) => { lower: number; upper: number },
  threshold: number,
  seed: string,
) {
  let above = 0;
  let below = 0;
  const firstLooks: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const random = seededRandom(`${seed}-${run}`);
    let canary = EMPTY_MOMENTS;
    let stable = EMPTY_MOMENTS;
    for (let look = 1; look <= LOOKS; look += 1) {
      const samples = Array.from({ length: LOOK_EVERY }, () => random());
      canary = addSamples(
        canary,
        samples.filter((share) => share < 0.2).map(() => drawCanary(random)),
      );
      stable = addSamples(
        stable,
        samples.filter((share) => share >= 0.2).map(() => drawStable(random)),
      );
      if (canary.count < 30) continue;
      const { lower, upper } = interval(canary, stable);
      if (lower > threshold || upper < threshold) {
        if (lower > threshold) above += 1;
        else below += 1;
        firstLooks.push(look);
        break;
      }
    }
  }
  return { aboveShare: above / RUNS, belowShare: below / RUNS, firstLooks };
}

const sequence =
  (varianceOf: (moments: Moments) => number, mixtureSd: number) => (canary: Moments, stable: Moments) =>
    mixtureConfidenceInterval(
      canary.mean - stable.mean,
      varianceOf(canary) / canary.count + varianceOf(stable) / stable.count,
      { alpha: ALPHA, mixtureSd },
    );

/** The textbook fixed-sample 95% interval, wrongly recomputed at every look. */
const fixedSample = (canary: Moments, stable: Moments) => {
  const halfWidth =
    1.96 * Math.sqrt(sampleVariance(canary) / canary.count + sampleVariance(stable) / stable.count);
  return { lower: canary.mean - stable.mean - halfWidth, upper: canary.mean - stable.mean + halfWidth };
};

describe('moments', () => {
  it('merged batch by batch equal the whole sample’s mean and variance', () => {
    const random = seededRandom('moments');
    const samples = Array.from({ length: 1_000 }, () => 5 + 3 * normal(random));
    let moments = EMPTY_MOMENTS;
    for (let start = 0; start < samples.length; start += 37)
      moments = addSamples(moments, samples.slice(start, start + 37));
    expect(moments.count).toBe(1_000);
    expect(moments.mean).toBeCloseTo(mean(samples), 10);
    expect(moments.variance).toBeCloseTo(variance(samples), 8);
    expect(mergeMoments(EMPTY_MOMENTS, moments)).toBe(moments);
  });

  it('never takes an arm without errors to have no variance', () => {
    const none = addSamples(
      EMPTY_MOMENTS,
      Array.from({ length: 100 }, () => 0),
    );
    expect(none.variance).toBe(0);
    expect(boundedVariance(none)).toBeGreaterThan(0.009);
    expect(boundedVariance(none)).toBeLessThan(0.01);
  });
});

describe('mixtureConfidenceInterval', () => {
  it(`excludes the true difference of equal normal arms at some look in fewer than ${ALPHA} of ${RUNS} monitored runs`, () => {
    const equal = (random: () => number) => normal(random);
    const { aboveShare, belowShare } = monitor(equal, equal, sequence(sampleVariance, 0.2), 0, 'normal');
    expect(aboveShare + belowShare).toBeLessThan(ALPHA);
  });

  it(`keeps equal error rates of 2% apart in fewer than ${ALPHA} of ${RUNS} monitored runs`, () => {
    const errors = (random: () => number) => (random() < 0.02 ? 1 : 0);
    const { aboveShare, belowShare } = monitor(errors, errors, sequence(boundedVariance, 0.1), 0, 'errors');
    expect(aboveShare + belowShare).toBeLessThan(ALPHA);
  });

  it('is what makes peeking safe: the fixed-sample interval, looked at as often, is wrong several times as often', () => {
    const equal = (random: () => number) => normal(random);
    const peeking = monitor(equal, equal, fixedSample, 0, 'normal');
    expect(peeking.aboveShare + peeking.belowShare).toBeGreaterThan(4 * ALPHA);
  });

  it('detects a canary 0.3 standard deviations worse in at least 95% of runs, never the wrong way', () => {
    const { aboveShare, belowShare, firstLooks } = monitor(
      (random) => 0.3 + normal(random),
      (random) => normal(random),
      sequence(sampleVariance, 0.2),
      0,
      'shifted',
    );
    expect(aboveShare).toBeGreaterThanOrEqual(0.95);
    expect(belowShare).toBe(0);
    // Typically within ~1,000 canary samples of the 4,000 the runs may take.
    firstLooks.sort((left, right) => left - right);
    expect((firstLooks[Math.floor(firstLooks.length / 2)] ?? Infinity) * LOOK_EVERY * 0.2).toBeLessThan(
      1_000,
    );
  });
});
