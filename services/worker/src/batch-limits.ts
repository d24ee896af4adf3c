import { BatchingMode } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';

/** Static batching waits this long for a full batch when the model sets no delay, so no job waits forever. */
const STATIC_BATCH_FILL_DELAY_MS = 50;

/** How a model's jobs are grouped into batches: the Batcher options its spec implies. */
export interface BatchLimits {
  maxBatchSize: number;
  maxQueueDelayMs: number;
}

/** The batch limits of a model's `batching` spec; no batching (one job per call) when it has none. */
export function toBatchLimits(spec: ModelSpec): BatchLimits {
  const batching = spec.batching;
  const maxBatchSize = Math.max(1, batching?.maxBatchSize ?? 1);
  const delayMs = (batching?.maxQueueDelayUs ?? 0) / 1000;
  switch (batching?.mode) {
    case BatchingMode.STATIC:
      return { maxBatchSize, maxQueueDelayMs: delayMs > 0 ? delayMs : STATIC_BATCH_FILL_DELAY_MS };
    case BatchingMode.DYNAMIC:
      return { maxBatchSize, maxQueueDelayMs: delayMs };
    default:
      return { maxBatchSize: 1, maxQueueDelayMs: 0 };
  }
}
