import { expectedQuality, predictLogit, sigmoid } from './quality-predictor.js';
import type { LogitBelief } from './quality-predictor.js';
import type { RoutePolicy } from './policy-codec.js';

/** A model the router found feasible for the request, with what it predicted for it. */
export interface PolicyCandidate {
  readonly model: string;
  /** Predicted cost of serving this request on the model, in US dollars. */
  readonly costUsd: number;
  /** Quality the registry states for the model: the prior for a model the policy has not learned. */
  readonly priorQuality: number;
  /**
   * The model's belief about this prompt when the caller has scored it already (the router scores
   * every model of a policy in one pass); otherwise the policy's predictor scores `indices`.
   */
  readonly belief?: LogitBelief;
}

/** The policy's choice among the candidates. */
export interface PolicyChoice {
  /** Candidate positions, best first: the chosen one, then the rest by expected reward. */
  readonly ranking: number[];
  /**
   * Probability that the policy picks `ranking[0]` for this request, in (0, 1]. Estimated from
   * posterior draws when first read, with the `random` the choice was made with.
   */
  readonly propensity: number;
  /** Whether the choice came from exploration rather than the best posterior mean. */
  readonly explored: boolean;
  /** Expected reward of each candidate, by position. */
  readonly expectedRewards: number[];
}

/** Monte-Carlo draws to estimate an explored choice's propensity; a few µs for a dozen models. */
const PROPENSITY_DRAWS = 24;
/** Propensities are floored so an off-policy estimate's weights stay bounded. */
const MIN_PROPENSITY = 0.01;
/** Prior variance of the logit of a model the policy has no predictor for: wide, so it gets tried. */
const UNLEARNED_LOGIT_VARIANCE = 1;

/**
 * Ranks the feasible candidates of a request by expected reward — predicted quality for this prompt
 * minus λ·cost minus μ·(the model's SLO miss rate) — and, with the route's (or the tenant tier's)
 * exploration share, by one Thompson-sampling draw from the posterior instead. Only candidates the
 * router already found feasible are passed in, so learning never overrides a deadline, cost cap,
 * quality floor or open circuit.
 * @param indices the prompt's features (featurisePrompt with the policy's settings).
 * @param random uniform in [0, 1); seeded in tests.
 */
export function chooseWithPolicy(
  policy: RoutePolicy,
  candidates: readonly PolicyCandidate[],
  indices: Uint32Array,
  tier: string,
  random: () => number = Math.random,
): PolicyChoice {
  const { beliefs, penalties, expectedRewards } = scoreCandidates(policy, candidates, indices);
  const greedy = argmax(expectedRewards);
  const share = explorationShare(policy, tier);
  const explore = candidates.length > 1 && share > 0 && random() < share;
  const chosen = explore ? argmax(sampleRewards(beliefs, penalties, random)) : greedy;
  const rest = expectedRewards
    .map((_, position) => position)
    .filter((position) => position !== chosen)
    .sort((left, right) => expectedRewards[right]! - expectedRewards[left]!);
  let propensity: number | undefined;
  return {
    ranking: [chosen, ...rest],
    // Estimated on first read: its posterior draws are most of a choice's time, and a router reads
    // it only after answering (read at once, it draws from `random` exactly as an eager one would).
    get propensity() {
      propensity ??=
        share > 0 && candidates.length > 1
          ? (1 - share) * (chosen === greedy ? 1 : 0) +
            share * thompsonShare(chosen, beliefs, penalties, random)
          : 1;
      return Math.max(MIN_PROPENSITY, Math.min(1, propensity));
    },
    explored: explore && chosen !== greedy,
    expectedRewards,
  };
}

/** What the policy would do with a request, as probabilities rather than one draw. */
export interface PolicyChoiceProbabilities {
  /** Probability that chooseWithPolicy picks each candidate, by position; they sum to 1. */
  readonly probabilities: number[];
  /** Expected reward of each candidate, by position (as in PolicyChoice). */
  readonly expectedRewards: number[];
}

/**
 * The probability that chooseWithPolicy picks each candidate for a request: the greedy choice gets
 * the share that does not explore, and the exploration share is spread by each candidate's Thompson
 * win rate, estimated from `draws` posterior draws. It is the target probability an off-policy
 * estimate needs for the model a logged decision served.
 * @param random uniform in [0, 1); seeded in tests and in the optimizer's estimates.
 * @param draws posterior draws for the win rates. @default 64
 */
export function choiceProbabilities(
  policy: RoutePolicy,
  candidates: readonly PolicyCandidate[],
  indices: Uint32Array,
  tier: string,
  random: () => number = Math.random,
  draws = 64,
): PolicyChoiceProbabilities {
  const { beliefs, penalties, expectedRewards } = scoreCandidates(policy, candidates, indices);
  const probabilities: number[] = new Array<number>(candidates.length).fill(0);
  if (candidates.length === 0) return { probabilities, expectedRewards };
  const share = candidates.length > 1 ? explorationShare(policy, tier) : 0;
  probabilities[argmax(expectedRewards)] = 1 - share;
  if (share > 0) {
    for (let draw = 0; draw < draws; draw += 1) {
      const winner = argmax(sampleRewards(beliefs, penalties, random));
      probabilities[winner] = probabilities[winner]! + share / draws;
    }
  }
  return { probabilities, expectedRewards };
}

/** Each candidate's belief, its penalty (λ·cost + μ·SLO miss rate) and expected reward. */
function scoreCandidates(policy: RoutePolicy, candidates: readonly PolicyCandidate[], indices: Uint32Array) {
  const { costWeightPerUsd, sloMissWeight } = policy.settings;
  const beliefs = candidates.map((candidate) => beliefFor(policy, candidate, indices));
  const penalties = candidates.map(
    (candidate) =>
      costWeightPerUsd * candidate.costUsd + sloMissWeight * (policy.sloMissRates.get(candidate.model) ?? 0),
  );
  const expectedRewards = beliefs.map((belief, position) => expectedQuality(belief) - penalties[position]!);
  return { beliefs, penalties, expectedRewards };
}

/** The tenant tier's exploration share, else the route's. */
function explorationShare(policy: RoutePolicy, tier: string): number {
  return policy.settings.explorationByTier.get(tier) ?? policy.settings.exploration;
}

function beliefFor(policy: RoutePolicy, candidate: PolicyCandidate, indices: Uint32Array): LogitBelief {
  if (candidate.belief !== undefined) return candidate.belief;
  const predictor = policy.predictors.get(candidate.model);
  if (predictor !== undefined) return predictLogit(predictor, indices);
  const prior = Math.min(0.99, Math.max(0.01, candidate.priorQuality));
  return { mean: Math.log(prior / (1 - prior)), variance: UNLEARNED_LOGIT_VARIANCE };
}

function sampleRewards(
  beliefs: readonly LogitBelief[],
  penalties: readonly number[],
  random: () => number,
): number[] {
  return beliefs.map(
    (belief, position) =>
      sigmoid(belief.mean + Math.sqrt(belief.variance) * standardNormal(random)) - penalties[position]!,
  );
}

/** How often a Thompson draw picks `chosen`, estimated from a few draws (at least one: the real one). */
function thompsonShare(
  chosen: number,
  beliefs: readonly LogitBelief[],
  penalties: readonly number[],
  random: () => number,
): number {
  let wins = 1;
  for (let draw = 0; draw < PROPENSITY_DRAWS; draw += 1) {
    if (argmax(sampleRewards(beliefs, penalties, random)) === chosen) wins += 1;
  }
  return wins / (PROPENSITY_DRAWS + 1);
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let position = 1; position < values.length; position += 1) {
    if (values[position]! > values[best]!) best = position;
  }
  return best;
}

/** A standard normal draw (Box–Muller). */
function standardNormal(random: () => number): number {
  const uniform = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(uniform)) * Math.cos(2 * Math.PI * random());
}
