import { BatchingMode } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { registryQueueDelayUs } from '@switchboard/routing-policy';

/** How a model's jobs are grouped into batches: the Batcher options its spec implies. */
export interface BatchLimits {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  /** Static batching: batches of exactly `maxBatchSize`, `maxQueueDelayMs` being a flush timeout. */
  fixedSize: boolean;
}

/**
 * The batch limits of a model's `batching` spec; no batching (one job per call) when it has none.
 * `knobDelayUs`, the delay of a batching knob in force, replaces the spec's delay when the model
 * batches (static or dynamic); without it static batching's flush timeout is 50 ms when the spec
 * sets no delay, so no job waits forever.
 */
export function toBatchLimits(spec: ModelSpec, knobDelayUs?: number): BatchLimits {
  const batching = spec.batching;
  if (batching?.mode !== BatchingMode.STATIC && batching?.mode !== BatchingMode.DYNAMIC) {
    return { maxBatchSize: 1, maxQueueDelayMs: 0, fixedSize: false };
  }
  return {
    maxBatchSize: Math.max(1, batching.maxBatchSize),
    maxQueueDelayMs: (knobDelayUs ?? registryQueueDelayUs(batching)) / 1000,
    fixedSize: batching.mode === BatchingMode.STATIC,
  };
}
