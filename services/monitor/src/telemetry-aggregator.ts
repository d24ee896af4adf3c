import type { BatchRecord, BatchStats, RequestRecord, RequestStats } from '@switchboard/protocol';
import { AGGREGATOR_STATE_VERSION } from './aggregator-state.js';
import type { AggregatorState } from './aggregator-state.js';
import { BatchCounters } from './batch-counters.js';
import { OVERFLOW_GROUP, compareGroupKeys, groupKeyOf, groupKeyText } from './group-key.js';
import type { GroupKey } from './group-key.js';
import { LatencyHistogram } from './latency-histogram.js';
import { MinuteRollups } from './minute-rollups.js';
import type { MinuteRollup } from './minute-rollups.js';
import { RequestCounters } from './request-counters.js';
import type { WindowSelection } from './select-window.js';
import { RETAINED_SUB_WINDOWS, SlidingWindows, subWindowIndex } from './sliding-windows.js';
import type { MergeableCounters } from './sliding-windows.js';
import { toBatchStats, toRequestStats } from './to-stats.js';

/** GetStats filters; an empty string matches everything. */
export interface StatsFilter {
  readonly model: string;
  readonly route: string;
  readonly tenant: string;
}

interface RequestSeries {
  readonly group: GroupKey;
  /** The group's map key ({@link groupKeyText}). */
  readonly key: string;
  readonly windows: SlidingWindows<RequestCounters>;
}

/**
 * How many request groups (model × version × route × tenant) and batch groups (models) a monitor
 * keeps by default. Names are the registry's, so only a large registry reaches it. A group costs
 * its histograms, outside the JS heap: measured ~0.34 MB for a group busy throughout the last
 * minute (7 histograms at 3 significant digits), up to ~1.5 MB busy throughout the last 5 minutes.
 */
export const DEFAULT_MAX_GROUPS = 1_000;

const OVERFLOW_KEY = groupKeyText(OVERFLOW_GROUP);
const createRequestCounters = () => new RequestCounters();
const createBatchCounters = () => new BatchCounters();

/**
 * Every figure the monitor derives from telemetry, with the stream sequence of the last record in
 * it. Pure and synchronous: the consumer feeds it, the checkpointer snapshots it, handlers read it.
 * Each sequence is applied at most once, so a redelivered record cannot count twice.
 */
export class TelemetryAggregator {
  #lastSequence = 0;
  #streamCreatedAt: string | undefined;
  #firstRecordAtMs: number | undefined;
  #newestRecordAtMs: number | undefined;
  readonly #requests = new Map<string, RequestSeries>();
  readonly #batches = new Map<string, SlidingWindows<BatchCounters>>();
  #minutes = new MinuteRollups();

  /**
   * @param maxGroups request groups (and, separately, batch models) kept; records of further groups
   *   count under {@link OVERFLOW_GROUP} (batches under its model).
   */
  constructor(private readonly maxGroups = DEFAULT_MAX_GROUPS) {}

  /**
   * Rebuilds an aggregator from a checkpoint.
   * @throws Error when the state was written by an incompatible version, or a histogram is corrupt.
   */
  static fromState(state: AggregatorState, maxGroups = DEFAULT_MAX_GROUPS): TelemetryAggregator {
    if (state.version !== AGGREGATOR_STATE_VERSION)
      throw new Error(`checkpoint state version ${String(state.version)} is not ${AGGREGATOR_STATE_VERSION}`);
    const aggregator = new TelemetryAggregator(maxGroups);
    aggregator.#lastSequence = state.lastSequence;
    aggregator.#streamCreatedAt = state.streamCreatedAt ?? undefined;
    aggregator.#firstRecordAtMs = state.firstRecordAtMs ?? undefined;
    for (const { group, windows } of state.requests) {
      const key = groupKeyText(group);
      aggregator.#requests.set(key, {
        group,
        key,
        windows: SlidingWindows.fromState(windows, createRequestCounters, RequestCounters.fromState),
      });
    }
    for (const { model, windows } of state.batches)
      aggregator.#batches.set(
        model,
        SlidingWindows.fromState(windows, createBatchCounters, BatchCounters.fromState),
      );
    aggregator.#minutes = MinuteRollups.fromState(state.minutes);
    return aggregator;
  }

  /** Stream sequence of the last record applied (or skipped); 0 before any. */
  get lastSequence(): number {
    return this.#lastSequence;
  }

  /**
   * Ties the sequence position to the stream created at `createdAt`. A different stream (deleted and
   * recreated, so numbering from 1 again) resets the position, not the figures.
   * @returns whether the position was reset.
   */
  followStream(createdAt: string, lastSequenceInStream: number): boolean {
    const recreated =
      (this.#streamCreatedAt !== undefined && this.#streamCreatedAt !== createdAt) ||
      this.#lastSequence > lastSequenceInStream;
    if (recreated) this.#lastSequence = 0;
    this.#streamCreatedAt = createdAt;
    return recreated;
  }

  /** Record time of the earliest record counted, Unix ms. */
  get firstRecordAtMs(): number | undefined {
    return this.#firstRecordAtMs;
  }

  /** Record time of the newest record applied since this process started, Unix ms. */
  get newestRecordAtMs(): number | undefined {
    return this.#newestRecordAtMs;
  }

  /** Counts a request record stored at `sequence`; false (and nothing counted) if that sequence was applied. */
  applyRequest(sequence: number, atMs: number, record: RequestRecord): boolean {
    if (!this.#advance(sequence, atMs)) return false;
    const series = this.#seriesOf(groupKeyOf(record));
    series.windows.record(atMs, (counters) => counters.record(record));
    this.#minutes.record(series.group, series.key, atMs, record);
    return true;
  }

  /** Counts a batch record stored at `sequence`; false if that sequence was applied. */
  applyBatch(sequence: number, atMs: number, record: BatchRecord): boolean {
    if (!this.#advance(sequence, atMs)) return false;
    const model =
      this.#batches.has(record.model) || this.#batches.size < this.maxGroups
        ? record.model
        : OVERFLOW_GROUP.model;
    let windows = this.#batches.get(model);
    if (windows === undefined) {
      windows = new SlidingWindows(createBatchCounters);
      this.#batches.set(model, windows);
    }
    windows.record(atMs, (counters) => counters.record(record));
    return true;
  }

  /** Moves past a sequence that holds nothing countable (an undecodable record), so it is not read again. */
  skip(sequence: number): void {
    this.#lastSequence = Math.max(this.#lastSequence, sequence);
  }

  /** Request figures per group in a window, in table order; groups without requests in it are left out. */
  requestStats(filter: StatsFilter, selection: WindowSelection): RequestStats[] {
    const matches = (value: string, wanted: string) => wanted === '' || value === wanted;
    const selected: { group: GroupKey; counters: RequestCounters }[] = [];
    for (const { group, windows } of this.#requests.values()) {
      if (!matches(group.model, filter.model) || !matches(group.route, filter.route)) continue;
      if (!matches(group.tenant, filter.tenant)) continue;
      const counters = readWindow(windows, selection.firstSubWindow);
      if (counters !== undefined && counters.count > 0) selected.push({ group, counters });
    }
    return selected
      .sort((left, right) => compareGroupKeys(left.group, right.group))
      .map(({ group, counters }) => toRequestStats(group, counters, selection.spanMs));
  }

  /** Batch figures per model (all models when `model` is empty) in a window, by model name. */
  batchStats(model: string, selection: WindowSelection): BatchStats[] {
    return [...this.#batches]
      .filter(([name]) => model === '' || name === model)
      .sort(([left], [right]) => left.localeCompare(right))
      .flatMap(([name, windows]) => {
        const counters = readWindow(windows, selection.firstSubWindow);
        return counters === undefined || counters.batches === 0 ? [] : [toBatchStats(name, counters)];
      });
  }

  /** A model's batches in the sub-windows from `firstSubWindow` on; undefined when it has none. */
  recentBatches(model: string, firstSubWindow: number): BatchCounters | undefined {
    const windows = this.#batches.get(model);
    return windows === undefined ? undefined : readWindow(windows, firstSubWindow);
  }

  /**
   * End-to-end latency of every request to `model` in the sub-windows from `firstSubWindow` on,
   * all versions, routes and tenants together; undefined when there were none.
   */
  recentLatency(model: string, firstSubWindow: number): LatencyHistogram | undefined {
    let merged: LatencyHistogram | undefined;
    for (const { group, windows } of this.#requests.values()) {
      if (group.model !== model) continue;
      const counters = readWindow(windows, firstSubWindow);
      if (counters === undefined || counters.count === 0) continue;
      merged ??= LatencyHistogram.create();
      merged.add(counters.latency);
    }
    return merged;
  }

  /** See {@link MinuteRollups.takeFinished}. */
  takeFinishedMinutes(watermarkMs: number): MinuteRollup[] {
    return this.#minutes.takeFinished(watermarkMs);
  }

  /** See {@link MinuteRollups.putBack}. */
  putBackMinutes(rollups: readonly MinuteRollup[]): void {
    this.#minutes.putBack(rollups);
  }

  /** Drops sub-windows no window can reach at `nowMs` any more (series that went quiet keep only totals). */
  prune(nowMs: number): void {
    const firstKept = subWindowIndex(nowMs) - RETAINED_SUB_WINDOWS + 1;
    for (const { windows } of this.#requests.values()) windows.prune(firstKept);
    for (const windows of this.#batches.values()) windows.prune(firstKept);
  }

  /** A consistent snapshot of everything counted, for the checkpoint. */
  toState(): AggregatorState {
    return {
      version: AGGREGATOR_STATE_VERSION,
      lastSequence: this.#lastSequence,
      streamCreatedAt: this.#streamCreatedAt ?? null,
      firstRecordAtMs: this.#firstRecordAtMs ?? null,
      requests: [...this.#requests.values()].map(({ group, windows }) => ({
        group,
        windows: windows.toState((counters) => counters.toState()),
      })),
      batches: [...this.#batches].map(([model, windows]) => ({
        model,
        windows: windows.toState((counters) => counters.toState()),
      })),
      minutes: this.#minutes.toState(),
    };
  }

  /** The series of `group`, created when new; the overflow series once {@link maxGroups} exist. */
  #seriesOf(group: GroupKey): RequestSeries {
    const key = groupKeyText(group);
    const existing = this.#requests.get(key);
    if (existing !== undefined) return existing;
    if (this.#requests.size >= this.maxGroups && key !== OVERFLOW_KEY) return this.#seriesOf(OVERFLOW_GROUP);
    const series = { group, key, windows: new SlidingWindows(createRequestCounters) };
    this.#requests.set(key, series);
    return series;
  }

  #advance(sequence: number, atMs: number): boolean {
    if (sequence <= this.#lastSequence) return false;
    this.#lastSequence = sequence;
    this.#firstRecordAtMs = Math.min(this.#firstRecordAtMs ?? atMs, atMs);
    this.#newestRecordAtMs = Math.max(this.#newestRecordAtMs ?? atMs, atMs);
    return true;
  }
}

/** The totals for SINCE_START, else the merged sub-windows; undefined when the window holds nothing. */
function readWindow<C extends MergeableCounters<C>>(
  windows: SlidingWindows<C>,
  firstSubWindow: number | undefined,
): C | undefined {
  if (firstSubWindow === undefined) return windows.total;
  return windows.hasDataSince(firstSubWindow) ? windows.since(firstSubWindow) : undefined;
}
