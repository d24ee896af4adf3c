import type { JSONValue } from 'postgres';
import type { AggregatorState } from './aggregator-state.js';
import type { MinuteRollup } from './minute-rollups.js';
import type { Database } from './open-database.js';
import { mergeWithStoredRollups, toRollupRow } from './rollup-row.js';
import type { StoredRollupRow } from './rollup-row.js';

/** What one checkpoint writes. */
export interface Checkpoint {
  /** The TELEMETRY stream's name; keys the checkpoint row (it carries the namespace). */
  readonly stream: string;
  /** Everything counted up to and including `state.lastSequence`, minus `finishedMinutes`. */
  readonly state: AggregatorState;
  /** Minutes taken out of `state` to be written as metric_rollups rows. */
  readonly finishedMinutes: readonly MinuteRollup[];
}

/**
 * Reads the state the last checkpoint of `stream` saved; undefined when there is none.
 * @throws Error (from postgres) when the database cannot be read.
 */
export async function loadCheckpoint(
  database: Database,
  stream: string,
): Promise<AggregatorState | undefined> {
  const rows = await database<{ state: AggregatorState }[]>`
    select state from monitor_checkpoints where stream = ${stream}`;
  return rows[0]?.state;
}

/**
 * Writes the finished minutes and the checkpoint in ONE transaction. That is what makes counting
 * exactly-once: after a crash the monitor restores the state and replays the stream after its
 * sequence, and every finished minute is either in a committed row or still in that state — never
 * both, never neither. A minute that already has a row (records later than the grace period)
 * is merged into it, histogram included.
 * @throws Error (from postgres) when the transaction fails; nothing of it is then stored.
 */
export async function saveCheckpoint(database: Database, checkpoint: Checkpoint): Promise<void> {
  // AggregatorState is JSON by construction; its readonly interfaces just do not say so to the type checker.
  const state = checkpoint.state as unknown as JSONValue;
  await database.begin(async (sql) => {
    if (checkpoint.finishedMinutes.length > 0) {
      const minutes = [...new Set(checkpoint.finishedMinutes.map((rollup) => rollup.minuteMs))];
      // FOR UPDATE: a second monitor on the same stream must not merge into the same rows at once.
      const stored = await sql<StoredRollupRow[]>`
        select minute, model, version, route, tenant, count, errors, status_counts, max_ms, cost_micros, latency_histogram
        from metric_rollups
        where minute = any(${minutes.map((minuteMs) => new Date(minuteMs).toISOString())}::timestamptz[])
        for update`;
      const rows = mergeWithStoredRollups(checkpoint.finishedMinutes, stored).map(toRollupRow);
      await Promise.all(
        rows.map(
          (row) => sql`
            insert into metric_rollups ${sql(row)}
            on conflict (minute, model, version, route, tenant) do update set
              count = excluded.count, errors = excluded.errors, status_counts = excluded.status_counts,
              p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms, p99_ms = excluded.p99_ms,
              max_ms = excluded.max_ms, cost_micros = excluded.cost_micros,
              latency_histogram = excluded.latency_histogram, updated_at = now()`,
        ),
      );
    }
    await sql`
      insert into monitor_checkpoints (stream, last_sequence, state, updated_at)
      values (${checkpoint.stream}, ${checkpoint.state.lastSequence}, ${sql.json(state)}, now())
      on conflict (stream) do update set
        last_sequence = excluded.last_sequence, state = excluded.state, updated_at = now()`;
  });
}
