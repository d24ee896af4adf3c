import type { BatchCountersState } from './batch-counters.js';
import type { GroupKey } from './group-key.js';
import type { MinuteRollupState } from './minute-rollups.js';
import type { RequestCountersState } from './request-counters.js';
import type { SlidingWindowsState } from './sliding-windows.js';

/** Bumped when the shape below changes incompatibly; a checkpoint of another version is refused. */
export const AGGREGATOR_STATE_VERSION = 1;

/**
 * Everything a monitor has counted, as stored in the checkpoint row: restoring it and replaying the
 * stream after `lastSequence` reproduces the monitor that wrote it.
 */
export interface AggregatorState {
  readonly version: typeof AGGREGATOR_STATE_VERSION;
  /** Stream sequence of the last record counted. */
  readonly lastSequence: number;
  /** Creation time of the stream `lastSequence` refers to (JetStream's `created`); null before the first start. */
  readonly streamCreatedAt: string | null;
  /** Record time of the earliest record ever counted; null before the first. */
  readonly firstRecordAtMs: number | null;
  readonly requests: readonly {
    readonly group: GroupKey;
    readonly windows: SlidingWindowsState<RequestCountersState>;
  }[];
  readonly batches: readonly {
    readonly model: string;
    readonly windows: SlidingWindowsState<BatchCountersState>;
  }[];
  /** Minutes not yet written to metric_rollups. */
  readonly minutes: readonly MinuteRollupState[];
}
