import { describe, expect, it } from 'vitest';
import { DEFAULT_CANARY_THRESHOLDS } from './canary-settings.js';
import type { CanaryThresholds } from './canary-settings.js';
import { judgeCanary } from './canary-verdict.js';
import type { CanaryVerdict } from './canary-verdict.js';
import { EMPTY_EVIDENCE, addBatchToEvidence } from './canary-evidence.js';
import type { CanaryEvidence, CanaryMetricName } from './canary-evidence.js';
import { seededRandom } from './seeded-random.js';
import { EMPTY_MOMENTS } from './sequential-test.js';
import type { Moments } from './sequential-test.js';

/** How one arm behaves: log-latency mean and spread, error rate, chance of a feedback score of 1. */
interface ArmBehaviour {
  logLatency: number;
  errorRate: number;
  quality: number;
}

const STABLE: ArmBehaviour = { logLatency: Math.log(20), errorRate: 0.02, quality: 0.7 };
const LOG_LATENCY_SD = 0.3;
const FEEDBACK_SHARE = 0.5;
const RUNS = 200;
/** Requests between two evaluations, and evaluations per run (a canary at 20% of 250 requests/s, 5 s apart). */
const REQUESTS_PER_LOOK = 250;
/** Records read together (a block closes after one once both arms have 5 samples). */
const REQUESTS_PER_READ = 25;
const LOOKS = 200;

const moments = (count: number, mean: number, variance: number): Moments => ({ count, mean, variance });

/** Evidence with these arms' moments, and 100 blocks that vary no more than independent samples would. */
function evidence(
  canary: Partial<Record<CanaryMetricName, Moments>>,
  stable: Partial<Record<CanaryMetricName, Moments>>,
): CanaryEvidence {
  const arm = (metric: CanaryMetricName) => ({
    ...EMPTY_EVIDENCE[metric],
    canary: canary[metric] ?? EMPTY_MOMENTS,
    stable: stable[metric] ?? EMPTY_MOMENTS,
    blocks: moments(100, 0, 0),
  });
  return { latency: arm('latency'), error_rate: arm('error_rate'), quality: arm('quality') };
}

type Samples = Record<CanaryMetricName, number[]>;

/** One arm's requests; with `groupSize` > 1 they come in worker batches sharing latency and failure. */
function createArm(behaviour: ArmBehaviour, random: () => number, groupSize: number) {
  let left = 0;
  let normal = 0;
  let failed = false;
  return (into: Samples) => {
    if (left === 0) {
      left = groupSize;
      normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      failed = random() < behaviour.errorRate;
    }
    left -= 1;
    into.error_rate.push(failed ? 1 : 0);
    if (failed) return;
    into.latency.push(behaviour.logLatency + LOG_LATENCY_SD * normal);
    if (random() < FEEDBACK_SHARE) into.quality.push(random() < behaviour.quality ? 1 : 0);
  };
}

/**
 * Monitors `RUNS` canaries (20% of traffic) against STABLE, read `REQUESTS_PER_READ` records at a
 * time and judged every `REQUESTS_PER_LOOK`; returns each run's verdict and the look it came at.
 */
function simulate(canary: ArmBehaviour, thresholds: CanaryThresholds, seed: string, groupSize = 1) {
  const outcomes: Array<{ action: CanaryVerdict['action']; look: number }> = [];
  for (let run = 0; run < RUNS; run += 1) {
    const random = seededRandom(`${seed}-${run}`);
    const arms = {
      canary: createArm(canary, random, groupSize),
      stable: createArm(STABLE, random, groupSize),
    };
    let current = EMPTY_EVIDENCE;
    let outcome: { action: CanaryVerdict['action']; look: number } = { action: 'watch', look: LOOKS };
    for (let look = 1; look <= LOOKS && outcome.action === 'watch'; look += 1) {
      for (let read = 0; read < REQUESTS_PER_LOOK / REQUESTS_PER_READ; read += 1) {
        const samples = {
          canary: { latency: [], error_rate: [], quality: [] } as Samples,
          stable: { latency: [], error_rate: [], quality: [] } as Samples,
        };
        for (let request = 0; request < REQUESTS_PER_READ; request += 1) {
          if (random() < 0.2) arms.canary(samples.canary);
          else arms.stable(samples.stable);
        }
        current = addBatchToEvidence(current, samples);
      }
      const verdict = judgeCanary(current, thresholds);
      if (verdict.action !== 'watch') outcome = { action: verdict.action, look };
    }
    outcomes.push(outcome);
  }
  const share = (action: CanaryVerdict['action']) =>
    outcomes.filter((outcome) => outcome.action === action).length / RUNS;
  return { rollback: share('rollback'), promote: share('promote'), watch: share('watch'), outcomes };
}

describe('judgeCanary', () => {
  it('rolls back on one conclusively worse metric, naming it with its interval', () => {
    const verdict = judgeCanary(
      evidence(
        { error_rate: moments(100, 0.3, 0.21), latency: moments(70, 3, 0.09) },
        { error_rate: moments(400, 0, 0), latency: moments(400, 3, 0.09) },
      ),
      DEFAULT_CANARY_THRESHOLDS,
    );
    expect(verdict.action).toBe('rollback');
    expect(verdict.reason).toMatch(
      /^worse than stable: error_rate 0\.300 vs 0\.000, worse by 0\.300 \[0\.1\d\d, 0\.4\d\d\], margin 0\.010$/,
    );
    expect(verdict.metrics.map((metric) => metric.conclusion)).toEqual([
      'undecided',
      'worse',
      'too_few_samples',
    ]);
  });

  it('judges no metric with fewer than 30 samples on an arm', () => {
    const verdict = judgeCanary(
      evidence({ error_rate: moments(29, 1, 0) }, { error_rate: moments(1_000, 0, 0) }),
      DEFAULT_CANARY_THRESHOLDS,
    );
    expect(verdict.action).toBe('watch');
    expect(verdict.metrics[1]?.conclusion).toBe('too_few_samples');
  });

  it('promotes only once every metric has its minimum sample and is conclusively not worse', () => {
    const same = {
      latency: moments(5_000, 3, 0.0025),
      error_rate: moments(5_000, 0, 0),
      quality: moments(5_000, 0.8, 0.001),
    };
    expect(judgeCanary(evidence(same, same), DEFAULT_CANARY_THRESHOLDS).action).toBe('promote');

    const fewFeedback = { ...same, quality: moments(40, 0.8, 0.001) };
    const waiting = judgeCanary(evidence(fewFeedback, same), DEFAULT_CANARY_THRESHOLDS);
    expect(waiting).toMatchObject({
      action: 'watch',
      reason: 'waiting for quality: 40 of 50 samples on each arm',
    });
    const withoutFeedback = { ...DEFAULT_CANARY_THRESHOLDS, promoteWithoutFeedback: true };
    expect(judgeCanary(evidence({ ...same, quality: EMPTY_MOMENTS }, same), withoutFeedback).action).toBe(
      'promote',
    );
  });

  it('reads the latency margin as a slowdown ratio: 12% slower is worse beyond a 10% margin', () => {
    const stable = { latency: moments(100_000, Math.log(20), 0.0004) };
    const canary = { latency: moments(100_000, Math.log(22.4), 0.0004) };
    const verdict = judgeCanary(evidence(canary, stable), DEFAULT_CANARY_THRESHOLDS);
    expect(verdict.action).toBe('rollback');
    expect(verdict.reason).toContain('slower by 12.0% [');
    expect(verdict.reason).toContain('margin 10.0%');
  });

  it(`rolls back fewer than ${DEFAULT_CANARY_THRESHOLDS.alpha} of ${RUNS} monitored canaries equal to stable, and promotes most`, () => {
    const result = simulate(STABLE, DEFAULT_CANARY_THRESHOLDS, 'equal');
    expect(result.rollback).toBeLessThan(DEFAULT_CANARY_THRESHOLDS.alpha);
    expect(result.promote).toBeGreaterThan(0.9);
  });

  it('rolls back nearly every canary with 10% errors against 2%, within a few evaluations, and promotes none', () => {
    const result = simulate({ ...STABLE, errorRate: 0.1 }, DEFAULT_CANARY_THRESHOLDS, 'failing');
    expect(result.rollback).toBeGreaterThanOrEqual(0.95);
    expect(result.promote).toBe(0);
    const looks = result.outcomes.map((outcome) => outcome.look).sort((left, right) => left - right);
    expect(looks[Math.floor(looks.length / 2)]).toBeLessThanOrEqual(10);
  });

  it(`rolls back fewer than ${DEFAULT_CANARY_THRESHOLDS.alpha} of equal canaries whose requests come in worker batches of 8 sharing latency and failure`, () => {
    const strict = { ...DEFAULT_CANARY_THRESHOLDS, latencyMargin: 0.03, errorMargin: 0.005 };
    const result = simulate(STABLE, strict, 'batched', 8);
    expect(result.rollback).toBeLessThan(DEFAULT_CANARY_THRESHOLDS.alpha);
  });

  it(`promotes fewer than ${DEFAULT_CANARY_THRESHOLDS.alpha} of canaries worse beyond a margin (quality 0.6 against 0.7)`, () => {
    const result = simulate({ ...STABLE, quality: 0.6 }, DEFAULT_CANARY_THRESHOLDS, 'duller');
    expect(result.promote).toBeLessThan(DEFAULT_CANARY_THRESHOLDS.alpha);
    expect(result.rollback).toBeGreaterThan(0.8);
  });
});
