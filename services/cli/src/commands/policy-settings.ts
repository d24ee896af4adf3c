import { create } from '@bufbuild/protobuf';
import { CanarySettingsSchema, RouteSettingsSchema } from '@switchboard/protocol';
import type { RouteSettings } from '@switchboard/protocol';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { collect, parseCount, parseDecimal, parseKeyValue } from '../parse-flag-values.js';

/** The settings `policy set` changes; undefined means "not given, keep the current value". */
export interface RouteSettingsFlags {
  costWeight?: number;
  sloMissWeight?: number;
  exploration?: number;
  tierExploration?: [string, string][];
  canaryAlpha?: number;
  canaryLatencyMargin?: number;
  canaryErrorMargin?: number;
  canaryQualityMargin?: number;
  canaryMinRequests?: number;
  canaryMinFeedback?: number;
  canaryPromoteWithoutFeedback?: boolean;
}

/** The flags that change canary thresholds, by their RouteSettingsFlags field. */
const CANARY_FLAGS = [
  'canaryAlpha',
  'canaryLatencyMargin',
  'canaryErrorMargin',
  'canaryQualityMargin',
  'canaryMinRequests',
  'canaryMinFeedback',
  'canaryPromoteWithoutFeedback',
] as const satisfies ReadonlyArray<keyof RouteSettingsFlags>;

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
    )
    .option('--canary-alpha <alpha>', 'chance of a wrong canary verdict, in (0, 0.5]', parseDecimal)
    .option(
      '--canary-latency-margin <share>',
      'how much slower a canary may be and be promoted, e.g. 0.1 = 10%',
      parseDecimal,
    )
    .option('--canary-error-margin <rate>', 'how much higher its error rate may be, absolute', parseDecimal)
    .option('--canary-quality-margin <score>', 'how much lower its mean feedback score may be', parseDecimal)
    .option('--canary-min-requests <count>', 'requests on each arm before a promotion', parseCount)
    .option('--canary-min-feedback <count>', 'feedback on each arm before a promotion', parseCount)
    .option('--canary-promote-without-feedback', 'promote canaries on latency and errors alone')
    .option('--no-canary-promote-without-feedback', 'wait for feedback before promoting (the default)');
}

/** Whether any settings flag was given. */
export function hasRouteSettingsFlags(flags: RouteSettingsFlags): boolean {
  return (
    flags.costWeight !== undefined ||
    flags.sloMissWeight !== undefined ||
    flags.exploration !== undefined ||
    flags.tierExploration !== undefined ||
    hasCanaryFlags(flags)
  );
}

/** Whether any canary threshold flag was given. */
export function hasCanaryFlags(flags: RouteSettingsFlags): boolean {
  return CANARY_FLAGS.some((flag) => flags[flag] !== undefined);
}

/**
 * The settings `current` becomes with the given flags: each flag replaces one field, and each
 * `--tier-exploration tier=share` one tier's share (`tier=` removes the tier's own share). Canary
 * thresholds are sent only when a `--canary-*` flag is given (the optimizer keeps them otherwise).
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
    ...(hasCanaryFlags(flags) ? { canary: applyCanaryFlags(current, flags) } : {}),
  });
}

function applyCanaryFlags(current: RouteSettings, flags: RouteSettingsFlags) {
  const canary = current.canary ?? create(CanarySettingsSchema);
  return create(CanarySettingsSchema, {
    alpha: flags.canaryAlpha ?? canary.alpha,
    latencyMargin: flags.canaryLatencyMargin ?? canary.latencyMargin,
    errorMargin: flags.canaryErrorMargin ?? canary.errorMargin,
    qualityMargin: flags.canaryQualityMargin ?? canary.qualityMargin,
    minRequests: flags.canaryMinRequests ?? canary.minRequests,
    minFeedback: flags.canaryMinFeedback ?? canary.minFeedback,
    promoteWithoutFeedback: flags.canaryPromoteWithoutFeedback ?? canary.promoteWithoutFeedback,
  });
}

function parseTierShare(tier: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`--tier-exploration ${tier}=${text}: the share must be a number, e.g. ${tier}=0`);
  }
  return value;
}
