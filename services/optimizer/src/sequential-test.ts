import { combineMeans, combineVariances, mean, variance } from 'simple-statistics';

/** Count, mean and population variance of a stream of samples, kept in constant memory. */
export interface Moments {
  readonly count: number;
  readonly mean: number;
  readonly variance: number;
}

/** The moments of no samples. */
export const EMPTY_MOMENTS: Moments = Object.freeze({ count: 0, mean: 0, variance: 0 });

/** The moments of two sample sets together (the pairwise update of Chan, Golub and LeVeque, 1979). */
export function mergeMoments(left: Moments, right: Moments): Moments {
  if (left.count === 0) return right;
  if (right.count === 0) return left;
  return {
    count: left.count + right.count,
    mean: combineMeans(left.mean, left.count, right.mean, right.count),
    variance: combineVariances(left.variance, left.mean, left.count, right.variance, right.mean, right.count),
  };
}

/** `moments` with `samples` added. */
export function addSamples(moments: Moments, samples: readonly number[]): Moments {
  if (samples.length === 0) return moments;
  return mergeMoments(moments, {
    count: samples.length,
    mean: mean(samples as number[]),
    variance: variance(samples as number[]),
  });
}

/** The unbiased variance estimate of the samples behind `moments` (0 below two samples). */
export function sampleVariance(moments: Moments): number {
  return moments.count < 2 ? 0 : (moments.variance * moments.count) / (moments.count - 1);
}

/**
 * The variance of samples bounded in [0, 1] (error indicators, feedback scores) shrunk toward the
 * widest such variance by two pseudo-samples, one at 0 and one at 1 (as the Agresti–Coull interval
 * does for a proportion): an arm with no errors yet is not taken to have none for certain.
 */
export function boundedVariance(moments: Moments): number {
  return combineVariances(moments.variance, moments.mean, moments.count, 0.25, 0.5, 2);
}

/** How sure a confidence sequence is and where it is most powerful. */
export interface ConfidenceSequenceOptions {
  /** Chance that the interval ever misses the true difference, at any of the looks; in (0, 1). */
  readonly alpha: number;
  /**
   * Standard deviation of the normal mixing distribution over the difference: the size of effect
   * the test detects soonest. A larger one costs only a logarithmic term on small effects.
   */
  readonly mixtureSd: number;
}

/** An estimate with its confidence interval. */
export interface Interval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * An always-valid confidence interval for a difference of means: it may be recomputed after every
 * new sample, and a rule that stops as soon as it excludes a value is still wrong with probability
 * at most `alpha` — unlike a fixed-sample interval, which peeking makes wrong far more often.
 *
 * The boundary is Robbins' normal-mixture boundary (Robbins 1970, "Statistical methods related to
 * the law of the iterated logarithm"), the mixture sequential probability ratio test of Johari,
 * Pekelis and Walsh ("Always valid inference", Operations Research 2022) inverted into an interval:
 * with V the variance of the estimate and τ the mixture standard deviation, the true difference lies
 * within √( V(V+τ²)/τ² · (2 ln(1/α) + ln((V+τ²)/V)) ) of the estimate at every sample size, with
 * probability ≥ 1 − α. V is estimated from the samples (σ̂²_a/n_a + σ̂²_b/n_b), which makes the
 * guarantee asymptotic (Waudby-Smith et al., "Time-uniform central limit theory and asymptotic
 * confidence sequences", Annals of Statistics 2024); callers judge only after a few dozen samples.
 * @param estimate the difference of the two sample means
 * @param estimateVariance its variance, > 0
 */
export function mixtureConfidenceInterval(
  estimate: number,
  estimateVariance: number,
  options: ConfidenceSequenceOptions,
): Interval {
  const { alpha, mixtureSd } = options;
  const mixtureVariance = mixtureSd * mixtureSd;
  const total = estimateVariance + mixtureVariance;
  const halfWidth = Math.sqrt(
    ((estimateVariance * total) / mixtureVariance) *
      (2 * Math.log(1 / alpha) + Math.log(total / estimateVariance)),
  );
  return { estimate, lower: estimate - halfWidth, upper: estimate + halfWidth };
}
