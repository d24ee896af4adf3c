import type { MessageInitShape } from '@bufbuild/protobuf';
import { BatchingMode } from '@switchboard/protocol';
import type { BatchingSpecSchema } from '@switchboard/protocol';

/** A strategy's batching settings, as a ModelSpec takes them. */
export type BatchingInit = MessageInitShape<typeof BatchingSpecSchema>;

/** One line on a strategy's batching, for the printed setup and results.json. */
export function describeBatching(batching: BatchingInit): string {
  switch (batching.mode) {
    case BatchingMode.STATIC:
      return `static ${batching.maxBatchSize}, flush after ${(batching.maxQueueDelayUs ?? 0) / 1_000} ms`;
    case BatchingMode.DYNAMIC:
      return `dynamic ≤ ${batching.maxBatchSize}, delay ${(batching.maxQueueDelayUs ?? 0) / 1_000} ms`;
    case BatchingMode.CONTINUOUS:
      return `continuous ≤ ${batching.maxBatchSize} sequences, ≤ ${batching.maxStepTokens} tokens a step`;
    default:
      return 'one job per run';
  }
}
