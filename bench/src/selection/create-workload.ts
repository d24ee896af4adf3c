import type { Tier, WorkloadModality } from './model-zoo.js';
import { TIERS } from './model-zoo.js';
import type { TraceArrival } from '../shared/read-trace.js';
import type { Random } from '../shared/seeded-random.js';

/** One request of the workload, the same for every strategy. */
export interface WorkloadRequest {
  readonly index: number;
  /** When to send it, in milliseconds after the replay starts. */
  readonly sendAtMs: number;
  readonly modality: WorkloadModality;
  /** Shape of its one input tensor: [1, tokens], [1, side, side, 3] or [1, 32]. */
  readonly shape: readonly number[];
  /** Work in the modality's unit, as the router counts it: tokens, pixels or elements. */
  readonly complexity: number;
  readonly tier: Tier;
  /** The latency it must be answered within, in milliseconds: its SLO. */
  readonly budgetMs: number;
  /**
   * True when the budget is a tight gRPC deadline. Otherwise the budget is the tier's, sent as
   * `sla_ms`, and the gRPC deadline is {@link HARD_DEADLINE_FACTOR} times it.
   */
  readonly tightDeadline: boolean;
}

/** A request without a tight deadline may take this many times its budget before it is cut off. */
export const HARD_DEADLINE_FACTOR = 2;

/**
 * The mix drawn for each trace arrival. Every arrival keeps its time; text requests keep its
 * prompt size, image and structured requests take its place in the arrival process.
 */
export const WORKLOAD_MIX = {
  modalities: [
    ['text', 0.7],
    ['image', 0.15],
    ['structured', 0.15],
  ] as const satisfies readonly (readonly [WorkloadModality, number])[],
  tiers: [
    ['free', 0.4],
    ['standard', 0.45],
    ['premium', 0.15],
  ] as const satisfies readonly (readonly [Tier, number])[],
  /** Share of requests with a tight gRPC deadline, drawn uniformly from the range below. */
  tightShare: 0.15,
  tightBudgetMs: [100, 300] as const,
  /** Square 8-bit RGB images, side drawn uniformly from these. */
  imageSides: [128, 192, 256] as const,
  structuredFeatures: 32,
};

/** Which part of the arrivals to replay, how fast, and the seed of the mix. */
export interface WorkloadOptions {
  /** Start of the replayed window, in milliseconds of trace time. */
  readonly startMs: number;
  /** Length of the replayed window, in milliseconds of trace time. */
  readonly durationMs: number;
  /** Trace time runs this many times faster than the replay's wall-clock time. */
  readonly speedup: number;
}

/** Picks from weighted choices whose weights add up to 1 (the last absorbs rounding). */
function pickWeighted<T>(choices: readonly (readonly [T, number])[], random: Random): T {
  let threshold = random();
  for (const [choice, weight] of choices) {
    threshold -= weight;
    if (threshold < 0) return choice;
  }
  return (choices.at(-1) as readonly [T, number])[0];
}

function drawInput(modality: WorkloadModality, promptTokens: number, random: Random) {
  if (modality === 'text') {
    const tokens = Math.max(1, promptTokens);
    return { shape: [1, tokens], complexity: tokens };
  }
  if (modality === 'image') {
    const sides = WORKLOAD_MIX.imageSides;
    const side = sides[Math.floor(random() * sides.length)] ?? sides[0];
    return { shape: [1, side, side, 3], complexity: side * side };
  }
  const features = WORKLOAD_MIX.structuredFeatures;
  return { shape: [1, features], complexity: features };
}

/**
 * Builds the workload from the arrivals inside the window: each keeps its time (divided by the
 * speedup) and, for text, its prompt size; modality, tier, image size and whether it has a tight
 * deadline are drawn from {@link WORKLOAD_MIX} with `random`, in a fixed order, so the same seed
 * gives the same workload.
 */
export function createWorkload(
  arrivals: readonly TraceArrival[],
  options: WorkloadOptions,
  random: Random,
): WorkloadRequest[] {
  const endMs = options.startMs + options.durationMs;
  const inWindow = arrivals.filter(
    (arrival) => arrival.offsetMs >= options.startMs && arrival.offsetMs < endMs,
  );
  return inWindow.map((arrival, index) => {
    const modality = pickWeighted(WORKLOAD_MIX.modalities, random);
    const tier = pickWeighted(WORKLOAD_MIX.tiers, random);
    const tightDeadline = random() < WORKLOAD_MIX.tightShare;
    const [lowest, highest] = WORKLOAD_MIX.tightBudgetMs;
    const tightBudgetMs = Math.round(lowest + random() * (highest - lowest));
    return {
      index,
      sendAtMs: (arrival.offsetMs - options.startMs) / options.speedup,
      modality,
      ...drawInput(modality, arrival.promptTokens, random),
      tier,
      budgetMs: tightDeadline ? tightBudgetMs : TIERS[tier].slaMs,
      tightDeadline,
    };
  });
}
