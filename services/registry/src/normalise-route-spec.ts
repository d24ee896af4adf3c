import type { CandidateConditions, CascadeSpec, RoutePolicy, RouteSpec } from '@switchboard/protocol';

/**
 * Drops sub-messages that say nothing, in place: candidate conditions that restrict nothing, a
 * policy of defaults, a cascade that is off. Postgres keeps only their fields, so this is the form
 * every read returns; normalising a request the same way lets PutRoute answer with exactly what
 * GetRoute and the KV bucket hold. A rollout arm without a model gets its candidate's, the model
 * it serves, so readers never have to resolve it.
 */
export function normaliseRouteSpec(route: RouteSpec): RouteSpec {
  for (const candidate of route.candidates) {
    if (candidate.conditions !== undefined && restrictsNothing(candidate.conditions)) {
      candidate.conditions = undefined;
    }
    for (const arm of candidate.rollout) if (arm.model === '') arm.model = candidate.model;
  }
  if (route.policy !== undefined && isDefaultPolicy(route.policy)) route.policy = undefined;
  if (route.cascade !== undefined && isOff(route.cascade)) route.cascade = undefined;
  return route;
}

function restrictsNothing(conditions: CandidateConditions): boolean {
  return (
    conditions.modalities.length === 0 &&
    conditions.minComplexity === 0 &&
    conditions.maxComplexity === 0 &&
    conditions.tiers.length === 0
  );
}

function isDefaultPolicy(policy: RoutePolicy): boolean {
  return (
    policy.objective === 0 &&
    policy.whenInfeasible === 0 &&
    policy.minQuality === 0 &&
    policy.maxAttempts === 0
  );
}

function isOff(cascade: CascadeSpec): boolean {
  return cascade.confidenceThreshold === 0 && cascade.maxSteps === 0;
}
