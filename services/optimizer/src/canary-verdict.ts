import { CANARY_METRICS, differenceVariance } from './canary-evidence.js';
import type { CanaryEvidence, CanaryMetricName, MetricEvidence } from './canary-evidence.js';
import type { CanaryThresholds } from './canary-settings.js';
import { boundedVariance, mixtureConfidenceInterval, sampleVariance } from './sequential-test.js';
import type { Moments } from './sequential-test.js';

/** How one metric of a canary compares with the stable arm. */
export type MetricConclusion = 'worse' | 'not_worse' | 'undecided' | 'too_few_samples';

/** One metric's comparison, as GetPolicy shows it (CanaryMetric). */
export interface MetricJudgement {
  readonly metric: CanaryMetricName;
  readonly canarySamples: number;
  readonly canaryMean: number;
  readonly stableSamples: number;
  readonly stableMean: number;
  /** How much worse the canary is (log ratio for latency), with its always-valid interval. */
  readonly worseBy: number;
  readonly lower: number;
  readonly upper: number;
  readonly margin: number;
  readonly conclusion: MetricConclusion;
}

/** What to do with a canary, and why. */
export interface CanaryVerdict {
  readonly action: 'promote' | 'rollback' | 'watch';
  readonly reason: string;
  readonly metrics: readonly MetricJudgement[];
}

/**
 * Samples per arm, and blocks (see canary-evidence.ts), before a metric is judged at all: the
 * interval's plug-in variance needs a few dozen samples to be trusted (see
 * mixtureConfidenceInterval), the blocks' variance ten blocks.
 */
const MIN_SAMPLES_TO_JUDGE = 30;
const MIN_BLOCKS_TO_JUDGE = 10;
/** Latencies that never vary would make any difference conclusive; below 1% spread they count as 1%. */
const MIN_LOG_LATENCY_VARIANCE = 0.01 ** 2;
/**
 * The effect sizes each test detects soonest (the mixture's standard deviation; never below the
 * margin): a canary 22% slower, or 10 points worse in errors or feedback, is rolled back within a
 * hundred or so samples per arm, while a margin-sized difference costs only a log factor more.
 */
const MIXTURE_SD: Readonly<Record<CanaryMetricName, number>> = {
  latency: 0.2,
  error_rate: 0.1,
  quality: 0.1,
};

/**
 * Judges a canary against its stable arm. Each metric gets an always-valid confidence interval on
 * how much worse the canary is, at level alpha / 3 so that all three hold together with probability
 * ≥ 1 − alpha, at every evaluation:
 * - **rollback** as soon as any metric is conclusively worse beyond its margin (lower bound > margin);
 * - **promote** once latency and errors have `minRequests` samples on each arm, quality
 *   `minFeedback` (unless `promoteWithoutFeedback`), and each is conclusively not worse beyond its
 *   margin (upper bound < margin: non-inferiority);
 * - otherwise **watch**.
 */
export function judgeCanary(evidence: CanaryEvidence, thresholds: CanaryThresholds): CanaryVerdict {
  const metrics = CANARY_METRICS.map((metric) => judgeMetric(metric, evidence[metric], thresholds));
  const worse = metrics.filter((judgement) => judgement.conclusion === 'worse');
  if (worse.length > 0) {
    return {
      action: 'rollback',
      reason: `worse than stable: ${worse.map(describeJudgement).join('; ')}`,
      metrics,
    };
  }
  const missing = metrics.flatMap((judgement) => missingForPromotion(judgement, thresholds));
  if (missing.length === 0) {
    return {
      action: 'promote',
      reason: `not worse than stable: ${metrics.filter(isRequired(thresholds)).map(describeJudgement).join('; ')}`,
      metrics,
    };
  }
  return { action: 'watch', reason: `waiting for ${missing.join('; ')}`, metrics };
}

function judgeMetric(
  metric: CanaryMetricName,
  evidence: MetricEvidence,
  thresholds: CanaryThresholds,
): MetricJudgement {
  const { canary, stable } = evidence;
  const margin = marginOf(metric, thresholds);
  const worseBy = metric === 'quality' ? stable.mean - canary.mean : canary.mean - stable.mean;
  const base = {
    metric,
    canarySamples: canary.count,
    canaryMean: canary.mean,
    stableSamples: stable.count,
    stableMean: stable.mean,
    worseBy,
    margin,
  };
  const variance =
    metric === 'latency'
      ? (moments: Moments) => Math.max(sampleVariance(moments), MIN_LOG_LATENCY_VARIANCE)
      : boundedVariance;
  const estimateVariance =
    Math.min(canary.count, stable.count) < MIN_SAMPLES_TO_JUDGE
      ? undefined
      : differenceVariance(
          evidence,
          variance(canary) / canary.count + variance(stable) / stable.count,
          MIN_BLOCKS_TO_JUDGE,
        );
  if (estimateVariance === undefined) {
    return { ...base, lower: -Infinity, upper: Infinity, conclusion: 'too_few_samples' };
  }
  const interval = mixtureConfidenceInterval(worseBy, estimateVariance, {
    alpha: thresholds.alpha / CANARY_METRICS.length,
    mixtureSd: Math.max(MIXTURE_SD[metric], margin),
  });
  const conclusion: MetricConclusion =
    interval.lower > margin ? 'worse' : interval.upper < margin ? 'not_worse' : 'undecided';
  return { ...base, lower: interval.lower, upper: interval.upper, conclusion };
}

/** The margin in the units of `worseBy`: the latency margin becomes a log ratio. */
function marginOf(metric: CanaryMetricName, thresholds: CanaryThresholds): number {
  if (metric === 'latency') return Math.log1p(thresholds.latencyMargin);
  return metric === 'error_rate' ? thresholds.errorMargin : thresholds.qualityMargin;
}

const isRequired = (thresholds: CanaryThresholds) => (judgement: MetricJudgement) =>
  judgement.metric !== 'quality' || !thresholds.promoteWithoutFeedback;

/** What keeps `judgement` from allowing a promotion; nothing when it allows one. */
function missingForPromotion(judgement: MetricJudgement, thresholds: CanaryThresholds): string[] {
  if (!isRequired(thresholds)(judgement)) return [];
  const needed = judgement.metric === 'quality' ? thresholds.minFeedback : thresholds.minRequests;
  const have = Math.min(judgement.canarySamples, judgement.stableSamples);
  if (have < needed) return [`${judgement.metric}: ${have} of ${needed} samples on each arm`];
  if (judgement.conclusion !== 'not_worse') return [`${judgement.metric}: ${describeJudgement(judgement)}`];
  return [];
}

/** e.g. `error_rate 0.31 vs 0.00, worse by 0.31 [0.18, 0.44], margin 0.01`; latency in percent. */
export function describeJudgement(judgement: MetricJudgement): string {
  const { metric, canaryMean, stableMean, worseBy, lower, upper, margin } = judgement;
  if (metric === 'latency') {
    const percent = (logRatio: number) => `${((Math.exp(logRatio) - 1) * 100).toFixed(1)}%`;
    const means = `${Math.exp(canaryMean).toFixed(2)} ms vs ${Math.exp(stableMean).toFixed(2)} ms`;
    return `latency ${means} (geometric means), slower by ${percent(worseBy)} [${percent(lower)}, ${percent(upper)}], margin ${percent(margin)}`;
  }
  const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : String(value));
  return `${metric} ${fixed(canaryMean)} vs ${fixed(stableMean)}, worse by ${fixed(worseBy)} [${fixed(lower)}, ${fixed(upper)}], margin ${fixed(margin)}`;
}
