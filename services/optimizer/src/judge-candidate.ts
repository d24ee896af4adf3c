import {
  choiceProbabilities,
  doublyRobustEstimate,
  fullInformationEstimate,
  isWorseBeyondInterval,
} from '@switchboard/routing-policy';
import type { LoggedSample, PolicyCandidate, RoutePolicy, ValueEstimate } from '@switchboard/routing-policy';
import type { ModelOutcome } from './imported-row.js';
import type { Observation } from './observation.js';
import { seededRandom } from './seeded-random.js';

/** Below this much logged feedback the estimate falls back to held-out imported rows. */
export const MIN_FEEDBACK_SAMPLES = 30;
/** Posterior draws per decision for the policies' exploration probabilities. */
const PROBABILITY_DRAWS = 32;
/**
 * The most one logged decision's correction may be weighed (target probability ÷ propensity).
 * Exploration logs some choices with propensities near the 0.01 floor, and a handful of weights of
 * 50–100 made the interval several times wider than the difference it had to detect (measured in
 * test/refusal.test.ts); clipping them is the usual trade (Bottou et al., 2013): a little bias
 * toward each policy's own reward model where logged data is thin, for a bounded variance. Both
 * policies are estimated with the same clipping.
 */
const MAX_IMPORTANCE_WEIGHT = 10;

/** A held-out imported row, featurised. */
export interface HeldOutExample {
  readonly indices: Uint32Array;
  readonly outcomes: ReadonlyMap<string, ModelOutcome>;
}

/** The data a candidate policy is judged on. */
export interface JudgeEvidence {
  /** The route's newest logged feedback. */
  readonly feedback: readonly Observation[];
  /** Imported rows never trained on. */
  readonly heldOut: readonly HeldOutExample[];
  /** The route's candidate models. */
  readonly models: readonly string[];
  /** Each model's predicted cost per request, US dollars (its mean cost so far). */
  readonly costs: ReadonlyMap<string, number>;
  /** Each model's registry quality: the choice's prior for a model without a predictor. */
  readonly priorQualities: ReadonlyMap<string, number>;
}

/** The off-policy check's verdict. */
export interface Verdict {
  /** The candidate's estimated value per request; undefined without enough data. */
  readonly candidate: ValueEstimate | undefined;
  /** The live policy's, on the same data and reward settings. */
  readonly live: ValueEstimate | undefined;
  /** Why the candidate is refused; undefined when it may go live. */
  readonly refusal: string | undefined;
}

/**
 * Estimates the candidate's and the live policy's value per request (quality − λ·cost − μ·SLO
 * miss, with the candidate's λ and μ for both, so only what was learned is compared, never the
 * operator's settings) and refuses the candidate when it is worse beyond both 95% intervals.
 * Doubly robust on logged feedback when there are at least {@link MIN_FEEDBACK_SAMPLES}; otherwise
 * the full-information value on held-out imported rows; with neither, no estimate and no refusal.
 * @param seed seeds the exploration draws, so the same data gives the same verdict.
 */
export function judgeCandidate(
  candidate: RoutePolicy,
  live: RoutePolicy | undefined,
  evidence: JudgeEvidence,
  seed: string,
): Verdict {
  const comparable =
    live === undefined
      ? undefined
      : { ...live, settings: candidate.settings, sloMissRates: candidate.sloMissRates };
  const estimate = (policy: RoutePolicy) => estimateValue(policy, evidence, seededRandom(seed));
  const candidateEstimate = estimate(candidate);
  const liveEstimate = comparable === undefined ? undefined : estimate(comparable);
  if (candidateEstimate === undefined || liveEstimate === undefined || live === undefined)
    return { candidate: candidateEstimate, live: liveEstimate, refusal: undefined };
  if (!isWorseBeyondInterval(candidateEstimate, liveEstimate))
    return { candidate: candidateEstimate, live: liveEstimate, refusal: undefined };
  const refusal =
    `estimated worse than live version ${live.version}: ${describe(candidateEstimate)} against ` +
    `${describe(liveEstimate)} (${candidateEstimate.method.replace('_', ' ')}, ${candidateEstimate.samples} samples)`;
  return { candidate: candidateEstimate, live: liveEstimate, refusal };
}

function describe(estimate: ValueEstimate): string {
  return `${estimate.value.toFixed(3)} [${estimate.lower.toFixed(3)}, ${estimate.upper.toFixed(3)}]`;
}

function estimateValue(
  policy: RoutePolicy,
  evidence: JudgeEvidence,
  random: () => number,
): ValueEstimate | undefined {
  if (evidence.feedback.length >= MIN_FEEDBACK_SAMPLES) {
    const candidates = evidence.models.map((model) =>
      toCandidate(model, evidence.costs.get(model) ?? 0, evidence),
    );
    const samples = evidence.feedback.flatMap((observation) => {
      const sample = toLoggedSample(policy, candidates, observation, random);
      return sample === undefined ? [] : [sample];
    });
    return doublyRobustEstimate(samples);
  }
  const values = evidence.heldOut.flatMap((row) => {
    const value = fullInformationValue(policy, row, evidence, random);
    return value === undefined ? [] : [value];
  });
  return fullInformationEstimate(values);
}

/** One logged feedback seen from `policy`: its probability of the served model and its predictions. */
function toLoggedSample(
  policy: RoutePolicy,
  candidates: readonly PolicyCandidate[],
  observation: Observation,
  random: () => number,
): LoggedSample | undefined {
  const served = candidates.findIndex((candidate) => candidate.model === observation.model);
  if (served < 0) return undefined;
  const { probabilities, expectedRewards } = choiceProbabilities(
    policy,
    candidates,
    observation.indices,
    observation.tier,
    random,
    PROBABILITY_DRAWS,
  );
  const { costWeightPerUsd, sloMissWeight } = policy.settings;
  return {
    reward:
      observation.quality -
      costWeightPerUsd * observation.costUsd -
      sloMissWeight * Number(observation.sloMissed),
    propensity: Math.max(observation.propensity, probabilities[served]! / MAX_IMPORTANCE_WEIGHT),
    targetProbability: probabilities[served]!,
    predictedReward: expectedRewards[served]!,
    predictedValue: probabilities.reduce(
      (sum, probability, at) => sum + probability * expectedRewards[at]!,
      0,
    ),
  };
}

/** The reward `policy` gets on a row whose every model's outcome is known, its choice probabilities weighing them. */
function fullInformationValue(
  policy: RoutePolicy,
  row: HeldOutExample,
  evidence: JudgeEvidence,
  random: () => number,
): number | undefined {
  const models = evidence.models.filter((model) => row.outcomes.has(model));
  if (models.length === 0) return undefined;
  const candidates = models.map((model) => toCandidate(model, row.outcomes.get(model)!.costUsd, evidence));
  // No tier: held-out rows stand for the route's traffic at its own exploration share.
  const { probabilities } = choiceProbabilities(
    policy,
    candidates,
    row.indices,
    '',
    random,
    PROBABILITY_DRAWS,
  );
  const { costWeightPerUsd, sloMissWeight } = policy.settings;
  return models.reduce((sum, model, at) => {
    const outcome = row.outcomes.get(model)!;
    const reward =
      outcome.quality -
      costWeightPerUsd * outcome.costUsd -
      sloMissWeight * (policy.sloMissRates.get(model) ?? 0);
    return sum + probabilities[at]! * reward;
  }, 0);
}

function toCandidate(model: string, costUsd: number, evidence: JudgeEvidence): PolicyCandidate {
  return { model, costUsd, priorQuality: evidence.priorQualities.get(model) ?? 0.5 };
}
