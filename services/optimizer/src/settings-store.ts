import type { RewardSettings } from '@switchboard/routing-policy';
import type { Queryable } from './open-database.js';
import { DEFAULT_ROUTE_SETTINGS } from './route-settings.js';

interface SettingsRow {
  cost_weight_per_usd: number;
  slo_miss_weight: number;
  exploration: number;
  exploration_by_tier: Record<string, number>;
}

/** The route's stored settings, or the defaults when it has none. */
export async function loadRouteSettings(database: Queryable, route: string): Promise<RewardSettings> {
  const [row] = await database<SettingsRow[]>`
    select cost_weight_per_usd, slo_miss_weight, exploration, exploration_by_tier
    from optimizer_route_settings where route = ${route}`;
  if (row === undefined) return DEFAULT_ROUTE_SETTINGS;
  return {
    costWeightPerUsd: row.cost_weight_per_usd,
    sloMissWeight: row.slo_miss_weight,
    exploration: row.exploration,
    explorationByTier: new Map(Object.entries(row.exploration_by_tier)),
  };
}

/** Replaces the route's settings. */
export async function saveRouteSettings(
  database: Queryable,
  route: string,
  settings: RewardSettings,
): Promise<void> {
  const byTier = Object.fromEntries(settings.explorationByTier);
  await database`
    insert into optimizer_route_settings
      (route, cost_weight_per_usd, slo_miss_weight, exploration, exploration_by_tier, updated_at)
    values (${route}, ${settings.costWeightPerUsd}, ${settings.sloMissWeight}, ${settings.exploration},
      ${database.json(byTier)}, now())
    on conflict (route) do update set
      cost_weight_per_usd = excluded.cost_weight_per_usd,
      slo_miss_weight = excluded.slo_miss_weight,
      exploration = excluded.exploration,
      exploration_by_tier = excluded.exploration_by_tier,
      updated_at = now()`;
}
