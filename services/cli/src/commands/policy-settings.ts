import { create } from '@bufbuild/protobuf';
import { RouteSettingsSchema } from '@switchboard/protocol';
import type { RouteSettings } from '@switchboard/protocol';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { collect, parseDecimal, parseKeyValue } from '../parse-flag-values.js';

/** The settings `policy set` changes; undefined means "not given, keep the current value". */
export interface RouteSettingsFlags {
  costWeight?: number;
  sloMissWeight?: number;
  exploration?: number;
  tierExploration?: [string, string][];
}

/** Adds the settings flags of `policy set` to `command`. */
export function addRouteSettingsFlags(command: Command): Command {
  return command
    .option('--cost-weight <per-usd>', 'λ: reward lost per US dollar a request costs', parseDecimal)
    .option(
      '--slo-miss-weight <weight>',
      'μ: reward lost per request that misses its latency budget',
      parseDecimal,
    )
    .option('--exploration <share>', 'share of decisions that explore, in [0, 0.5]', parseDecimal)
    .option(
      '--tier-exploration <tier=share>',
      'exploration share for one tenant tier, replacing --exploration for it (repeat; tier= removes it)',
      collect(parseKeyValue),
    );
}

/** Whether any settings flag was given. */
export function hasRouteSettingsFlags(flags: RouteSettingsFlags): boolean {
  return (
    flags.costWeight !== undefined ||
    flags.sloMissWeight !== undefined ||
    flags.exploration !== undefined ||
    flags.tierExploration !== undefined
  );
}

/**
 * The settings `current` becomes with the given flags: each flag replaces one field, and each
 * `--tier-exploration tier=share` one tier's share (`tier=` removes the tier's own share).
 * @throws UsageError naming the flag when a tier's share is not a number.
 */
export function applyRouteSettingsFlags(current: RouteSettings, flags: RouteSettingsFlags): RouteSettings {
  const explorationByTier = { ...current.explorationByTier };
  for (const [tier, share] of flags.tierExploration ?? []) {
    if (share === '') delete explorationByTier[tier];
    else explorationByTier[tier] = parseTierShare(tier, share);
  }
  return create(RouteSettingsSchema, {
    costWeightPerUsd: flags.costWeight ?? current.costWeightPerUsd,
    sloMissWeight: flags.sloMissWeight ?? current.sloMissWeight,
    exploration: flags.exploration ?? current.exploration,
    explorationByTier,
  });
}

function parseTierShare(tier: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`--tier-exploration ${tier}=${text}: the share must be a number, e.g. ${tier}=0`);
  }
  return value;
}
