import { groupKeyText } from './group-key.js';
import type { MinuteRollup } from './minute-rollups.js';
import { RequestCounters } from './request-counters.js';

const MICROSECONDS_PER_MILLISECOND = 1_000;

/** A metric_rollups row as saveCheckpoint reads it back for merging. */
export interface StoredRollupRow {
  readonly minute: Date;
  readonly model: string;
  readonly version: string;
  readonly route: string;
  readonly tenant: string;
  readonly count: number;
  readonly errors: number;
  readonly status_counts: Record<string, number>;
  readonly max_ms: number;
  readonly cost_micros: number;
  readonly latency_histogram: string;
}

/** A metric_rollups row to insert or replace: the columns merging reads back, plus the percentiles. */
export interface RollupRow extends StoredRollupRow {
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
}

/**
 * Returns the finished minutes with any stored row of the same minute and group added in. The
 * inputs are left untouched: if the transaction fails they go back into the aggregator as they were.
 */
export function mergeWithStoredRollups(
  finished: readonly MinuteRollup[],
  stored: readonly StoredRollupRow[],
): MinuteRollup[] {
  const storedByKey = new Map(stored.map((row) => [rollupKey(row.minute.getTime(), row), row]));
  return finished.map((rollup) => {
    const row = storedByKey.get(rollupKey(rollup.minuteMs, rollup.group));
    if (row === undefined) return rollup;
    const counters = new RequestCounters();
    counters.add(rollup.counters);
    counters.add(
      RequestCounters.fromState({
        count: row.count,
        errors: row.errors,
        statusCounts: row.status_counts,
        costMicros: row.cost_micros,
        maxLatencyUs: row.max_ms * MICROSECONDS_PER_MILLISECOND,
        latency: row.latency_histogram,
      }),
    );
    return { ...rollup, counters };
  });
}

/** The row of one minute of one group. */
export function toRollupRow(rollup: MinuteRollup): RollupRow {
  const { counters, group } = rollup;
  const latencyMs = (percentile: number) =>
    counters.latency.percentileUs(percentile) / MICROSECONDS_PER_MILLISECOND;
  return {
    minute: new Date(rollup.minuteMs),
    model: group.model,
    version: group.version,
    route: group.route,
    tenant: group.tenant,
    count: counters.count,
    errors: counters.errors,
    status_counts: Object.fromEntries(counters.statusCounts),
    p50_ms: latencyMs(50),
    p95_ms: latencyMs(95),
    p99_ms: latencyMs(99),
    max_ms: counters.maxLatencyUs / MICROSECONDS_PER_MILLISECOND,
    cost_micros: counters.costMicros,
    latency_histogram: counters.latency.encode(),
  };
}

function rollupKey(minuteMs: number, group: MinuteRollup['group']): string {
  return `${minuteMs}:${groupKeyText(group)}`;
}
