import { mean, sampleStandardDeviation } from 'simple-statistics';

/** A policy's estimated value per request with a confidence interval. */
export interface ValueEstimate {
  readonly method: 'doubly_robust' | 'full_information';
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  readonly samples: number;
}

/** One logged decision, seen from the policy being evaluated. */
export interface LoggedSample {
  /** The reward observed for the model that served: quality − λ·cost − μ·SLO miss. */
  readonly reward: number;
  /** Probability with which the logging policy chose that model. */
  readonly propensity: number;
  /** Probability with which the evaluated policy would have chosen it. */
  readonly targetProbability: number;
  /** The evaluated policy's own prediction of the reward of the logged model. */
  readonly predictedReward: number;
  /** The evaluated policy's predicted reward of what it would choose itself. */
  readonly predictedValue: number;
}

/** Two standard errors each side: an interval of about 95% under the normal approximation. */
const INTERVAL_Z = 1.96;

/**
 * The doubly robust estimate (Dudík, Langford and Li, 2011) of a policy's value from decisions another
 * policy logged: the policy's own reward model, corrected by the importance-weighted error of that
 * model on the decisions both policies would make. Unbiased when either the propensities or the
 * reward model are right; its interval is the normal one over per-decision terms.
 * @returns undefined when there are fewer than two samples.
 */
export function doublyRobustEstimate(samples: readonly LoggedSample[]): ValueEstimate | undefined {
  if (samples.length < 2) return undefined;
  const terms = samples.map(
    (sample) =>
      sample.predictedValue +
      (sample.targetProbability / sample.propensity) * (sample.reward - sample.predictedReward),
  );
  return withInterval('doubly_robust', terms);
}

/**
 * The value of a policy on full-information data (every model's outcome known for each prompt, as in
 * an imported outcome file): the mean reward of the models it picks.
 * @returns undefined when there are fewer than two rewards.
 */
export function fullInformationEstimate(rewards: readonly number[]): ValueEstimate | undefined {
  if (rewards.length < 2) return undefined;
  return withInterval('full_information', rewards);
}

/**
 * Whether `candidate` is worse than `live` beyond both intervals: the test a new policy must pass to
 * go live. Estimates by different methods or on no data never refuse.
 */
export function isWorseBeyondInterval(candidate: ValueEstimate, live: ValueEstimate): boolean {
  return candidate.method === live.method && candidate.upper < live.lower;
}

function withInterval(method: ValueEstimate['method'], terms: readonly number[]): ValueEstimate {
  const value = mean([...terms]);
  const halfWidth = (INTERVAL_Z * sampleStandardDeviation([...terms])) / Math.sqrt(terms.length);
  return { method, value, lower: value - halfWidth, upper: value + halfWidth, samples: terms.length };
}
