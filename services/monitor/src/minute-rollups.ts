import type { RequestRecord } from '@switchboard/protocol';
import { groupKeyText } from './group-key.js';
import type { GroupKey } from './group-key.js';
import { RequestCounters } from './request-counters.js';
import type { RequestCountersState } from './request-counters.js';

/** Length of one rollup row. */
const MINUTE_MS = 60_000;

/**
 * How long after a minute ends it stays open for late records. Several routers publish with their
 * own clocks and core NATS gives no order across publishers; a record later still is merged into
 * the stored row (see saveCheckpoint), so this trades timeliness, never correctness.
 */
const ROLLUP_GRACE_MS = 5_000;

/** One group's requests in one minute. */
export interface MinuteRollup {
  /** Start of the minute, Unix milliseconds. */
  readonly minuteMs: number;
  readonly group: GroupKey;
  readonly counters: RequestCounters;
}

/** A {@link MinuteRollup} as JSON, for the checkpoint. */
export interface MinuteRollupState {
  readonly minuteMs: number;
  readonly group: GroupKey;
  readonly counters: RequestCountersState;
}

/**
 * The per-minute figures not yet written to `metric_rollups`. A minute leaves when it is finished
 * and goes to Postgres in the same transaction as the checkpoint that no longer holds it.
 */
export class MinuteRollups {
  readonly #open = new Map<string, MinuteRollup>();

  /** Rebuilds the open minutes from {@link MinuteRollups.toState}'s output. */
  static fromState(states: readonly MinuteRollupState[]): MinuteRollups {
    const rollups = new MinuteRollups();
    rollups.putBack(
      states.map((state) => ({
        minuteMs: state.minuteMs,
        group: state.group,
        counters: RequestCounters.fromState(state.counters),
      })),
    );
    return rollups;
  }

  /** Counts `record` in the minute of `atMs`; `groupText` is `groupKeyText(group)`, which the caller has at hand. */
  record(group: GroupKey, groupText: string, atMs: number, record: RequestRecord): void {
    this.#rollupFor(group, groupText, Math.floor(atMs / MINUTE_MS) * MINUTE_MS).counters.record(record);
  }

  /**
   * Removes and returns the minutes that ended at least {@link ROLLUP_GRACE_MS} before `watermarkMs`.
   * The caller writes them and, if the write fails, hands them back with {@link MinuteRollups.putBack}.
   */
  takeFinished(watermarkMs: number): MinuteRollup[] {
    const finished: MinuteRollup[] = [];
    for (const [key, rollup] of this.#open) {
      if (rollup.minuteMs + MINUTE_MS + ROLLUP_GRACE_MS > watermarkMs) continue;
      finished.push(rollup);
      this.#open.delete(key);
    }
    return finished;
  }

  /** Merges minutes back in, e.g. after their write failed; records that arrived meanwhile are kept. */
  putBack(rollups: readonly MinuteRollup[]): void {
    for (const { group, minuteMs, counters } of rollups)
      this.#rollupFor(group, groupKeyText(group), minuteMs).counters.add(counters);
  }

  toState(): MinuteRollupState[] {
    return [...this.#open.values()].map((rollup) => ({
      minuteMs: rollup.minuteMs,
      group: rollup.group,
      counters: rollup.counters.toState(),
    }));
  }

  #rollupFor(group: GroupKey, groupText: string, minuteMs: number): MinuteRollup {
    const key = `${minuteMs}:${groupText}`;
    let rollup = this.#open.get(key);
    if (rollup === undefined) {
      rollup = { minuteMs, group, counters: new RequestCounters() };
      this.#open.set(key, rollup);
    }
    return rollup;
  }
}
