import { BatchingMode } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { registryQueueDelayUs } from '@switchboard/routing-policy';

/** How a model's jobs are grouped into batches: the Batcher options its spec implies. */
export interface BatchLimits {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  /** Static batching: batches of exactly `maxBatchSize`, `maxQueueDelayMs` being a flush timeout. */
  fixedSize: boolean;
  /** Dynamic batching: sizes that run at once, ascending; empty when the spec names none. */
  preferredBatchSizes: number[];
  /** Most input units a batch holds (see countInputUnits); Infinity for no bound. */
  maxBatchUnits: number;
  /**
   * Continuous batching (iteration-level scheduling of a step-wise model): `maxBatchSize` bounds the
   * sequences running at once and `maxStepTokens` (Infinity for no bound) the tokens one step
   * processes. Undefined for the other modes.
   */
  continuous?: { maxStepTokens: number };
}

/** 0 in the spec means "no bound". */
function boundOrInfinity(value: number | bigint): number {
  return Number(value) > 0 ? Number(value) : Infinity;
}

/**
 * The batch limits of a model's `batching` spec; no batching (one job per call) when it has none.
 * `knobDelayUs`, the delay of a batching knob in force, replaces the spec's delay when the model
 * batches (static or dynamic); without it static batching's flush timeout is 50 ms when the spec
 * sets no delay, so no job waits forever. Continuous batching has no queue delay: jobs join the
 * running batch at its next step.
 */
export function toBatchLimits(spec: ModelSpec, knobDelayUs?: number): BatchLimits {
  const batching = spec.batching;
  const unbatched = {
    maxBatchSize: 1,
    maxQueueDelayMs: 0,
    fixedSize: false,
    preferredBatchSizes: [],
    maxBatchUnits: Infinity,
  };
  switch (batching?.mode) {
    case BatchingMode.STATIC:
    case BatchingMode.DYNAMIC: {
      const maxBatchSize = Math.max(1, batching.maxBatchSize);
      const dynamic = batching.mode === BatchingMode.DYNAMIC;
      return {
        maxBatchSize,
        maxQueueDelayMs: (knobDelayUs ?? registryQueueDelayUs(batching)) / 1000,
        fixedSize: !dynamic,
        preferredBatchSizes: dynamic
          ? [...new Set(batching.preferredBatchSizes)]
              .filter((size) => size >= 1 && size <= maxBatchSize)
              .sort((a, b) => a - b)
          : [],
        maxBatchUnits: boundOrInfinity(batching.maxBatchUnits),
      };
    }
    case BatchingMode.CONTINUOUS:
      return {
        ...unbatched,
        maxBatchSize: Math.max(1, batching.maxBatchSize),
        continuous: { maxStepTokens: boundOrInfinity(batching.maxStepTokens) },
      };
    default:
      return unbatched;
  }
}
