import type { CanaryThresholds } from './canary-settings.js';
import { DEFAULT_CANARY_THRESHOLDS } from './canary-settings.js';
import type { Queryable } from './open-database.js';
import { DEFAULT_ROUTE_SETTINGS } from './route-settings.js';

interface CanaryRow {
  canary_alpha: number;
  canary_latency_margin: number;
  canary_error_margin: number;
  canary_quality_margin: number;
  canary_min_requests: number;
  canary_min_feedback: number;
  canary_promote_without_feedback: boolean;
}

/** The route's canary thresholds, or the defaults when it has no settings row. */
export async function loadCanaryThresholds(database: Queryable, route: string): Promise<CanaryThresholds> {
  const [row] = await database<CanaryRow[]>`
    select canary_alpha, canary_latency_margin, canary_error_margin, canary_quality_margin,
      canary_min_requests, canary_min_feedback, canary_promote_without_feedback
    from optimizer_route_settings where route = ${route}`;
  if (row === undefined) return DEFAULT_CANARY_THRESHOLDS;
  return {
    alpha: row.canary_alpha,
    latencyMargin: row.canary_latency_margin,
    errorMargin: row.canary_error_margin,
    qualityMargin: row.canary_quality_margin,
    minRequests: row.canary_min_requests,
    minFeedback: row.canary_min_feedback,
    promoteWithoutFeedback: row.canary_promote_without_feedback,
  };
}

/**
 * Replaces the route's canary thresholds; a route without a settings row gets one with the default
 * reward settings.
 */
export async function saveCanaryThresholds(
  database: Queryable,
  route: string,
  thresholds: CanaryThresholds,
): Promise<void> {
  const defaults = DEFAULT_ROUTE_SETTINGS;
  await database`
    insert into optimizer_route_settings
      (route, cost_weight_per_usd, slo_miss_weight, exploration, exploration_by_tier,
       canary_alpha, canary_latency_margin, canary_error_margin, canary_quality_margin,
       canary_min_requests, canary_min_feedback, canary_promote_without_feedback)
    values (${route}, ${defaults.costWeightPerUsd}, ${defaults.sloMissWeight}, ${defaults.exploration},
      ${database.json(Object.fromEntries(defaults.explorationByTier))},
      ${thresholds.alpha}, ${thresholds.latencyMargin}, ${thresholds.errorMargin},
      ${thresholds.qualityMargin}, ${thresholds.minRequests}, ${thresholds.minFeedback},
      ${thresholds.promoteWithoutFeedback})
    on conflict (route) do update set
      canary_alpha = excluded.canary_alpha,
      canary_latency_margin = excluded.canary_latency_margin,
      canary_error_margin = excluded.canary_error_margin,
      canary_quality_margin = excluded.canary_quality_margin,
      canary_min_requests = excluded.canary_min_requests,
      canary_min_feedback = excluded.canary_min_feedback,
      canary_promote_without_feedback = excluded.canary_promote_without_feedback,
      updated_at = now()`;
}
