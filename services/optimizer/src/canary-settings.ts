import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { CanarySettingsSchema } from '@switchboard/protocol';
import type { CanarySettings } from '@switchboard/protocol';

/** When a route's canaries are promoted or rolled back; see CanarySettings in policy.proto. */
export interface CanaryThresholds {
  /** Chance of a wrong verdict on a canary, split evenly over its three metrics. */
  readonly alpha: number;
  /** Tolerated slowdown, as a ratio of geometric mean latencies minus 1 (0.1 = 10% slower). */
  readonly latencyMargin: number;
  /** Tolerated rise of the error rate, absolute. */
  readonly errorMargin: number;
  /** Tolerated fall of the mean feedback score, absolute. */
  readonly qualityMargin: number;
  /** Requests each arm must have been tried on before latency and errors may promote. */
  readonly minRequests: number;
  /** Feedback each arm must have before quality may promote. */
  readonly minFeedback: number;
  /** Promote on latency and errors alone; quality can still roll back. */
  readonly promoteWithoutFeedback: boolean;
}

/**
 * The defaults: one wrong verdict in twenty canaries at most; a canary may be 10% slower, one
 * percentage point more often wrong and 0.05 lower in feedback and still be promoted, once each arm
 * has 200 requests and 50 feedback scores.
 */
export const DEFAULT_CANARY_THRESHOLDS: CanaryThresholds = Object.freeze({
  alpha: 0.05,
  latencyMargin: 0.1,
  errorMargin: 0.01,
  qualityMargin: 0.05,
  minRequests: 200,
  minFeedback: 50,
  promoteWithoutFeedback: false,
});

/** Beyond this, a verdict would be a coin toss. */
const MAX_ALPHA = 0.5;
/** A slowdown margin beyond 10× would tolerate anything. */
const MAX_LATENCY_MARGIN = 10;
/** Samples per arm at most as a minimum: more would keep a canary forever on a quiet route. */
const MAX_MIN_SAMPLES = 1_000_000;

/**
 * Checks SetRouteSettings' canary thresholds; a field left 0 takes its default.
 * @throws InvalidArgumentError naming each field out of range and its valid range.
 */
export function validateCanarySettings(settings: CanarySettings): CanaryThresholds {
  const defaults = DEFAULT_CANARY_THRESHOLDS;
  const problems: string[] = [];
  const check = (field: string, value: number, max: number, fallback: number) => {
    if (value === 0) return fallback;
    if (!Number.isFinite(value) || value < 0 || value > max)
      problems.push(`canary.${field} must be in (0, ${max}] (0 takes the default ${fallback}), got ${value}`);
    return value;
  };
  const thresholds = {
    alpha: check('alpha', settings.alpha, MAX_ALPHA, defaults.alpha),
    latencyMargin: check(
      'latency_margin',
      settings.latencyMargin,
      MAX_LATENCY_MARGIN,
      defaults.latencyMargin,
    ),
    errorMargin: check('error_margin', settings.errorMargin, 1, defaults.errorMargin),
    qualityMargin: check('quality_margin', settings.qualityMargin, 1, defaults.qualityMargin),
    minRequests: check('min_requests', settings.minRequests, MAX_MIN_SAMPLES, defaults.minRequests),
    minFeedback: check('min_feedback', settings.minFeedback, MAX_MIN_SAMPLES, defaults.minFeedback),
    promoteWithoutFeedback: settings.promoteWithoutFeedback,
  };
  if (problems.length > 0) throw new InvalidArgumentError(problems.join('; '));
  return thresholds;
}

/** The wire form of canary thresholds. */
export function canaryThresholdsToMessage(thresholds: CanaryThresholds): CanarySettings {
  return create(CanarySettingsSchema, { ...thresholds });
}
