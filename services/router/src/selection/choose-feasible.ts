import { DeadlineExceededError, ResourceExhaustedError, UnavailableError } from '@switchboard/errors';
import type { SwitchboardError } from '@switchboard/errors';
import { InfeasibleAction, SelectionObjective } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { BUDGET_TARGET_SHARE, clampRetryAfterMs, queuedPastTarget } from './latency-target.js';

/** What the router expects of one candidate model for one request. */
export interface Prediction {
  model: ModelSpec;
  /** Predicted queue wait plus service time, in milliseconds. */
  latencyMs: number;
  /** The predicted queue wait alone: how long until a new job of the model starts, in milliseconds. */
  queueWaitMs: number;
  /** In millionths of a US dollar. */
  costMicros: number;
  /** Expected quality in [0, 1]. */
  quality: number;
  /** False while the model's circuit is open. */
  available: boolean;
}

/** The limits a request puts on the model that serves it. */
export interface SelectionConstraints {
  budgetMs: number;
  /** Undefined when uncapped. */
  maxCostMicros: number | undefined;
  minQuality: number;
  /** Where the budget came from, for refusal messages, e.g. "the gRPC deadline". */
  budgetOrigin: string;
}

export interface SelectionPolicy {
  objective: SelectionObjective;
  whenInfeasible: InfeasibleAction;
}

/** Why a model was chosen; returned as `switchboard.reason` and recorded in telemetry. */
export type SelectionReason =
  | 'cheapest_feasible'
  | 'fastest_feasible'
  | 'best_quality_feasible'
  | 'degraded_fastest'
  | 'cascade_first_step'
  /** The route's learned policy ranked the feasible models (see rankByLearnedPolicy). */
  | 'learned_policy';

/** The models to try, best first (the rest are fallbacks), and why the first was chosen. */
export interface Selection {
  ranked: Prediction[];
  reason: SelectionReason;
}

/** Costs and latencies this close count as equal, so the tie-break decides. */
const EPSILON = 1e-9;

const compareNumbers = (left: number, right: number) =>
  Math.abs(left - right) <= EPSILON ? 0 : left - right;
const byCost = (left: Prediction, right: Prediction) => compareNumbers(left.costMicros, right.costMicros);
const byLatency = (left: Prediction, right: Prediction) => compareNumbers(left.latencyMs, right.latencyMs);
const byQuality = (left: Prediction, right: Prediction) => compareNumbers(right.quality, left.quality);

/** Orders under each objective; Array.prototype.sort is stable, so route order breaks the last ties. */
const ORDERINGS: Record<SelectionObjective, (left: Prediction, right: Prediction) => number> = {
  [SelectionObjective.UNSPECIFIED]: (left, right) => byCost(left, right) || byLatency(left, right),
  [SelectionObjective.CHEAPEST]: (left, right) => byCost(left, right) || byLatency(left, right),
  [SelectionObjective.FASTEST]: (left, right) => byLatency(left, right) || byCost(left, right),
  [SelectionObjective.BEST_QUALITY]: (left, right) => byQuality(left, right) || byCost(left, right),
};

const REASONS: Record<SelectionObjective, SelectionReason> = {
  [SelectionObjective.UNSPECIFIED]: 'cheapest_feasible',
  [SelectionObjective.CHEAPEST]: 'cheapest_feasible',
  [SelectionObjective.FASTEST]: 'fastest_feasible',
  [SelectionObjective.BEST_QUALITY]: 'best_quality_feasible',
};

const meetsBudget = (prediction: Prediction, budgetMs: number) =>
  prediction.latencyMs <= budgetMs && !queuedPastTarget(prediction, budgetMs);

/**
 * Whether `prediction` meets the budget and the cost cap (the quality floor is checked apart). A
 * model whose queue pushes it past the share of the budget admission aims at does not meet it:
 * admission would refuse the request there.
 */
function fitsBudgetAndCap(prediction: Prediction, constraints: SelectionConstraints): boolean {
  return (
    prediction.available &&
    meetsBudget(prediction, constraints.budgetMs) &&
    (constraints.maxCostMicros === undefined || prediction.costMicros <= constraints.maxCostMicros + EPSILON)
  );
}

function isFeasible(prediction: Prediction, constraints: SelectionConstraints): boolean {
  return fitsBudgetAndCap(prediction, constraints) && prediction.quality + EPSILON >= constraints.minQuality;
}

const dollars = (micros: number) => `$${(micros / 1_000_000).toPrecision(3)}`;
const milliseconds = (value: number) =>
  Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'never (no live worker)';

/**
 * The refusal for a request no available model can serve within its constraints. It names the
 * tightest constraint — the one the most models miss; latency first, then cost, then quality — and
 * the closest any model comes to it, so the caller knows what to relax.
 */
function refusal(
  label: string,
  available: Prediction[],
  constraints: SelectionConstraints,
): SwitchboardError {
  const { budgetMs, maxCostMicros, minQuality } = constraints;
  const missed = {
    latency: available.filter((prediction) => !meetsBudget(prediction, budgetMs)).length,
    cost: maxCostMicros === undefined ? 0 : available.filter((p) => p.costMicros > maxCostMicros).length,
    quality: available.filter((prediction) => prediction.quality < minQuality).length,
  };
  if (missed.latency >= missed.cost && missed.latency >= missed.quality) {
    const [fastest] = [...available].sort(byLatency);
    if (fastest !== undefined && queuedPastTarget(fastest, budgetMs)) {
      // Only queues stand in the way: overload, refused as admission refuses it, with when to retry.
      const retryAfterMs = clampRetryAfterMs(fastest.latencyMs - budgetMs * BUDGET_TARGET_SHARE);
      return new ResourceExhaustedError(
        `no model of ${label} can answer in time now: the fastest, ${fastest.model.name}, is predicted to start in ` +
          `${milliseconds(fastest.queueWaitMs)} and answer in ${milliseconds(fastest.latencyMs)}, past ` +
          `${BUDGET_TARGET_SHARE * 100}% of the ${budgetMs.toFixed(0)} ms latency budget (from ${constraints.budgetOrigin}); ` +
          `retry in ${retryAfterMs} ms or allow more time`,
        { retryAfterMs },
      );
    }
    return new DeadlineExceededError(
      `no model of ${label} is predicted to answer within the ${budgetMs.toFixed(0)} ms latency budget (from ${constraints.budgetOrigin}); ` +
        `the fastest, ${fastest?.model.name}, is predicted to take ${milliseconds(fastest?.latencyMs ?? Infinity)}: allow more time or retry later`,
    );
  }
  if (missed.cost >= missed.quality) {
    const [cheapest] = [...available].sort(byCost);
    return new ResourceExhaustedError(
      `no model of ${label} fits max_cost ${dollars(maxCostMicros ?? 0)} within the other limits; ` +
        `the cheapest, ${cheapest?.model.name}, costs ${dollars(cheapest?.costMicros ?? 0)}: raise max_cost`,
    );
  }
  const [best] = [...available].sort(byQuality);
  return new ResourceExhaustedError(
    `no model of ${label} reaches min_quality ${minQuality} within the other limits; ` +
      `the best, ${best?.model.name}, has quality ${best?.quality}: lower min_quality or allow more time and cost`,
  );
}

/**
 * Chooses the model for a request among `predictions` (in route order). Feasible models — available,
 * predicted within the latency budget, under the cost cap, at or above the quality floor — are ranked
 * by the policy's objective (default cheapest; ties go to the faster, then to route order). When none
 * is feasible the policy degrades to the fastest available model or refuses.
 * @param label names the route or model in refusal messages, e.g. `route "classify"`.
 * @throws UnavailableError when every model's circuit is open.
 * @throws DeadlineExceededError or ResourceExhaustedError when nothing is feasible and the policy
 *   refuses; the message names the tightest constraint.
 */
export function selectModel(
  label: string,
  predictions: readonly Prediction[],
  constraints: SelectionConstraints,
  policy: SelectionPolicy,
): Selection {
  const available = predictions.filter((prediction) => prediction.available);
  if (available.length === 0) {
    const names = predictions.map((prediction) => prediction.model.name).join(', ');
    throw new UnavailableError(
      `every model of ${label} is failing and its circuit is open (${names}); retry in a few seconds`,
    );
  }
  const feasible = available.filter((prediction) => isFeasible(prediction, constraints));
  if (feasible.length > 0) {
    return { ranked: feasible.sort(ORDERINGS[policy.objective]), reason: REASONS[policy.objective] };
  }
  if (policy.whenInfeasible === InfeasibleAction.REFUSE) throw refusal(label, available, constraints);
  return { ranked: available.sort(byLatency), reason: 'degraded_fastest' };
}

/**
 * The steps of a cascade: the models within the latency budget and cost cap, cheapest first (ties to
 * the faster), at most `maxSteps` of them (0 = all). A step below the quality floor may still answer
 * when it is confident; that is what a cascade is for.
 */
export function planCascade(
  predictions: readonly Prediction[],
  constraints: SelectionConstraints,
  maxSteps: number,
): Prediction[] {
  const steps = predictions
    .filter((prediction) => fitsBudgetAndCap(prediction, constraints))
    .sort(ORDERINGS[SelectionObjective.CHEAPEST]);
  return maxSteps > 0 ? steps.slice(0, maxSteps) : steps;
}
