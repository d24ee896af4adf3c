import { EMPTY_MOMENTS, addSamples, sampleVariance } from './sequential-test.js';
import type { Moments } from './sequential-test.js';

/** What a canary is compared on. */
export type CanaryMetricName = 'latency' | 'error_rate' | 'quality';

/** Every metric, in the order verdicts and `policy show` list them. */
export const CANARY_METRICS: readonly CanaryMetricName[] = ['latency', 'error_rate', 'quality'];

/** The two arms of a canary. */
export type ArmSide = 'canary' | 'stable';

/**
 * What one metric of a canary rests on: the moments of each arm's samples — the log of each
 * answer's latency in milliseconds, 1 or 0 per attempt for an error, each feedback score — and of
 * the differences of the arms' means over consecutive blocks of records.
 */
export interface MetricEvidence {
  readonly canary: Moments;
  readonly stable: Moments;
  /** canary mean − stable mean of each closed block. */
  readonly blocks: Moments;
  /** The block being filled: each arm's samples since the last block closed. */
  readonly open: { readonly canary: Moments; readonly stable: Moments };
}

/** A canary's evidence, per metric. */
export type CanaryEvidence = Readonly<Record<CanaryMetricName, MetricEvidence>>;

/** One batch of records' samples of a canary, per arm and metric. */
export type CanarySamples = Record<ArmSide, Record<CanaryMetricName, number[]>>;

/**
 * Samples each arm needs in a block before it closes. Blocks are made of whole batches of records
 * as they are read, so the requests of one worker batch — which share their execution, and fail
 * together — and of one burst of load mostly fall into one block.
 */
const BLOCK_MIN_SAMPLES = 5;

const EMPTY_METRIC: MetricEvidence = Object.freeze({
  canary: EMPTY_MOMENTS,
  stable: EMPTY_MOMENTS,
  blocks: EMPTY_MOMENTS,
  open: Object.freeze({ canary: EMPTY_MOMENTS, stable: EMPTY_MOMENTS }),
});

/** The evidence of a canary nothing has been seen of yet. */
export const EMPTY_EVIDENCE: CanaryEvidence = Object.freeze({
  latency: EMPTY_METRIC,
  error_rate: EMPTY_METRIC,
  quality: EMPTY_METRIC,
});

function addToMetric(evidence: MetricEvidence, canary: number[], stable: number[]): MetricEvidence {
  const open = {
    canary: addSamples(evidence.open.canary, canary),
    stable: addSamples(evidence.open.stable, stable),
  };
  const closes = Math.min(open.canary.count, open.stable.count) >= BLOCK_MIN_SAMPLES;
  return {
    canary: addSamples(evidence.canary, canary),
    stable: addSamples(evidence.stable, stable),
    blocks: closes ? addSamples(evidence.blocks, [open.canary.mean - open.stable.mean]) : evidence.blocks,
    open: closes ? EMPTY_METRIC.open : open,
  };
}

/** `evidence` with one batch's samples added, closing each metric's block once both arms filled it. */
export function addBatchToEvidence(evidence: CanaryEvidence, samples: CanarySamples): CanaryEvidence {
  const metric = (name: CanaryMetricName) =>
    addToMetric(evidence[name], samples.canary[name], samples.stable[name]);
  return { latency: metric('latency'), error_rate: metric('error_rate'), quality: metric('quality') };
}

/**
 * The variance of the difference of the arms' means, from the blocks (the method of batch means:
 * consecutive samples are correlated — a worker batch's requests share their latency and their
 * failure — so σ̂²/n of single samples understates it); never below `independent`, the variance
 * as if every sample were independent. Undefined below `minBlocks` closed blocks.
 */
export function differenceVariance(
  evidence: MetricEvidence,
  independent: number,
  minBlocks: number,
): number | undefined {
  const { blocks } = evidence;
  if (blocks.count < minBlocks) return undefined;
  return Math.max(independent, sampleVariance(blocks) / blocks.count);
}
