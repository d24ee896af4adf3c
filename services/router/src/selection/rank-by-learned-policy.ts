import type { ModelInferRequest } from '@switchboard/protocol';
import { chooseWithPolicy, featurisePrompt } from '@switchboard/routing-policy';
import type { FeatureSettings, PolicyCandidate, RoutePolicy } from '@switchboard/routing-policy';
import type { Prediction } from './choose-feasible.js';
import { createPolicyScorer } from './policy-scorer.js';
import type { PolicyScorer } from './policy-scorer.js';
import { readPrompt } from './read-prompt.js';

/** A route's learned policy, ready to rank requests. */
export interface AppliedPolicy {
  readonly route: string;
  readonly version: bigint;
  readonly features: FeatureSettings;
  /**
   * The policy's settings and SLO miss rates. Its predictors are dropped: their weights live in
   * `scorer`, laid out for speed, and a model without one is scored from its registry prior.
   */
  readonly policy: RoutePolicy;
  readonly scorer: PolicyScorer;
}

/** Where the selector finds a route's learned policy. */
export interface PolicySource {
  /** The newest applicable policy of `route`, or undefined when it has none. */
  policyFor(route: string): AppliedPolicy | undefined;
}

/** What the learned policy decided for one request. */
export interface LearnedRanking {
  /** The feasible models, the policy's choice first, the rest by expected reward. */
  readonly plan: Prediction[];
  /**
   * Probability that the policy chose `plan[0]` for this request, in (0, 1]. Estimated when first
   * read (a few dozen posterior draws, most of the ranking's time): read it after answering.
   */
  readonly propensity: number;
  /** The prompt's features under the policy's settings, in order of occurrence. */
  readonly featureIndices: Uint32Array;
}

const MICROS_PER_DOLLAR = 1_000_000;

/**
 * Prepares a decoded policy for deciding: builds its scorer and lets go of the predictor arrays.
 * @throws RangeError when its weights are too large to apply (see createPolicyScorer).
 */
export function applyPolicy(policy: RoutePolicy): AppliedPolicy {
  return {
    route: policy.route,
    version: policy.version,
    features: policy.features,
    policy: { ...policy, predictors: new Map() },
    scorer: createPolicyScorer([...policy.predictors.values()], policy.features.hashBits),
  };
}

/**
 * Ranks the models the rule-based check found feasible by the route's learned policy: featurises the
 * request's prompt (decoding only what the policy's maxPromptChars reads), scores every model of
 * the policy at once, and lets chooseWithPolicy pick — the best expected reward for this prompt
 * (quality − λ·cost − μ·SLO miss rate), or a Thompson draw in the share of requests the route or
 * the requester's tier explores.
 * @param feasible at least one prediction, all feasible for the request.
 * @param random uniform in [0, 1); seeded in tests.
 */
export function rankByLearnedPolicy(
  applied: AppliedPolicy,
  feasible: readonly Prediction[],
  request: ModelInferRequest,
  tier: string,
  random: () => number,
): LearnedRanking {
  const prompt = readPrompt(request, applied.features.maxPromptChars);
  const featureIndices = featurisePrompt(prompt.text, applied.features, prompt.length);
  const beliefs = applied.scorer.score(featureIndices);
  const candidates = feasible.map((prediction): PolicyCandidate => {
    const position = applied.scorer.models.indexOf(prediction.model.name);
    return {
      model: prediction.model.name,
      costUsd: prediction.costMicros / MICROS_PER_DOLLAR,
      priorQuality: prediction.quality,
      ...(position < 0 ? {} : { belief: beliefs[position] }),
    };
  });
  const choice = chooseWithPolicy(applied.policy, candidates, featureIndices, tier, random);
  return {
    plan: choice.ranking.map((position) => feasible[position] as Prediction),
    get propensity() {
      return choice.propensity;
    },
    featureIndices,
  };
}
