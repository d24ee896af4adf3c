import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { NAME_RULE, RouteSettingsSchema, isValidName } from '@switchboard/protocol';
import type { RouteSettings } from '@switchboard/protocol';
import type { RewardSettings } from '@switchboard/routing-policy';

/** λ: reward lost per US dollar; 10 makes a $0.01 answer worth 0.1 less than a free one. */
const DEFAULT_COST_WEIGHT_PER_USD = 10;
/** μ: a missed latency budget costs as much as a wrong answer. */
const DEFAULT_SLO_MISS_WEIGHT = 1;
/** One decision in ten explores. */
const DEFAULT_EXPLORATION = 0.1;
/** Above this, exploring would cost more than half the route's traffic. */
export const MAX_EXPLORATION = 0.5;
/** Tiers with their own exploration share, at most. */
const MAX_TIERS = 16;

/** What a route uses until SetRouteSettings says otherwise: premium tenants never see exploration. */
export const DEFAULT_ROUTE_SETTINGS: RewardSettings = Object.freeze({
  costWeightPerUsd: DEFAULT_COST_WEIGHT_PER_USD,
  sloMissWeight: DEFAULT_SLO_MISS_WEIGHT,
  exploration: DEFAULT_EXPLORATION,
  explorationByTier: new Map([['premium', 0]]),
});

/**
 * Checks a SetRouteSettings request's settings and returns them as reward settings. The message
 * replaces every field (the CLI merges flags into the current settings first).
 * @throws InvalidArgumentError naming the field and the valid range when a value is out of range.
 */
export function validateRouteSettings(settings: RouteSettings | undefined): RewardSettings {
  if (settings === undefined) throw new InvalidArgumentError('settings is required');
  const problems: string[] = [];
  const checkWeight = (field: string, value: number) => {
    if (!Number.isFinite(value) || value < 0)
      problems.push(`${field} must be a finite number >= 0, got ${value}`);
  };
  checkWeight('cost_weight_per_usd', settings.costWeightPerUsd);
  checkWeight('slo_miss_weight', settings.sloMissWeight);
  checkExploration('exploration', settings.exploration, problems);
  const tiers = Object.entries(settings.explorationByTier);
  if (tiers.length > MAX_TIERS)
    problems.push(`exploration_by_tier has ${tiers.length} tiers; at most ${MAX_TIERS}`);
  for (const [tier, share] of tiers.slice(0, MAX_TIERS)) {
    if (!isValidName(tier))
      problems.push(
        `exploration_by_tier: tier ${JSON.stringify(tier.slice(0, 64))} is invalid: use ${NAME_RULE}`,
      );
    else checkExploration(`exploration_by_tier[${tier}]`, share, problems);
  }
  if (problems.length > 0) throw new InvalidArgumentError(problems.join('; '));
  return {
    costWeightPerUsd: settings.costWeightPerUsd,
    sloMissWeight: settings.sloMissWeight,
    exploration: settings.exploration,
    explorationByTier: new Map(tiers),
  };
}

function checkExploration(field: string, value: number, problems: string[]): void {
  if (!Number.isFinite(value) || value < 0 || value > MAX_EXPLORATION)
    problems.push(`${field} must be in [0, ${MAX_EXPLORATION}], got ${value}`);
}

/** The wire form of reward settings. */
export function settingsToMessage(settings: RewardSettings): RouteSettings {
  return create(RouteSettingsSchema, {
    costWeightPerUsd: settings.costWeightPerUsd,
    sloMissWeight: settings.sloMissWeight,
    exploration: settings.exploration,
    explorationByTier: Object.fromEntries(settings.explorationByTier),
  });
}
