import { performance } from 'node:perf_hooks';
import { FairQueue } from './fair-queue.js';
import type { TenantShare } from './fair-queue.js';

export interface BatcherOptions<T> {
  /** Most items in one batch; with `fixedSize`, the only size a batch has unless it is flushed. */
  maxBatchSize: number;
  /**
   * How long a partial batch may wait to fill. 0 dispatches whatever is queued as soon as the
   * executor is free, so batches still form under load (while one batch runs, the next one fills)
   * without adding latency when idle.
   */
  maxQueueDelayMs: number;
  /**
   * Static batching: a batch runs only with `maxBatchSize` items, and `maxQueueDelayMs` is a flush
   * timeout counted from when the batch began forming (its first item's arrival, or the moment the
   * executor became free for items that waited behind a running batch). Otherwise (dynamic) the
   * delay counts from the oldest item's arrival, time spent behind a running batch included.
   */
  fixedSize?: boolean;
  /**
   * Dynamic batching: batch sizes, ascending, that run as soon as enough items are queued, without
   * waiting for `maxBatchSize` or the delay (Triton's preferred_batch_size); the largest one the
   * queue can fill runs.
   */
  preferredBatchSizes?: readonly number[];
  /**
   * Most input units one batch holds (`unitsOf`); a queue holding that many runs at once. An item
   * larger than the bound runs alone. Infinity or undefined for no bound.
   */
  maxBatchUnits?: number;
  /** What an item costs a batch, in input units; 1 when not given. */
  unitsOf?: (item: T) => number;
  /** Number of priority levels; level 0 is the highest (see `PRIORITY_SHARE_WEIGHTS`). */
  priorityLevels: number;
  /**
   * The tenant an item counts against and its weight, for sharing a level's slots among tenants
   * (see FairQueue). Without it every item counts as one tenant's.
   */
  tenantOf?: (item: T) => TenantShare;
  /** Executes one batch. Must not throw: failures are the runner's to answer. */
  run: (batch: T[]) => Promise<void>;
  /**
   * An item's deadline, Unix ms, or undefined for none. A forming batch closes early once waiting
   * longer would make its tightest deadline unreachable (see `expectedRunMs`).
   */
  deadlineUnixMs?: (item: T) => number | undefined;
  /** How long a batch of `batchSize` items is expected to run, ms; 0 when not given. */
  expectedRunMs?: (batchSize: number) => number;
  /**
   * Takes an item whose deadline passed while it was queued; it is removed and never run. Without
   * it, expired items run like any other.
   */
  onExpired?: (item: T) => void;
}

interface Queued<T> {
  item: T;
  units: number;
  queuedAtMs: number;
  /** The deadline on the `performance.now()` clock; Infinity without one. */
  deadlineAtMs: number;
}

const SHARED_TENANT: TenantShare = { tenant: '', weight: 1 };

/**
 * Groups items into batches for one model: a batch goes to `run` when it is full (in items or in
 * input units), when a preferred size is queued, when its queue delay has passed, when waiting longer would break the tightest deadline in it, or on flush; one
 * batch runs at a time. Its items are taken by weighted shares of the priority levels and, within a
 * level, of the tenants (FairQueue). Dynamic batching by default, static batching with
 * `fixedSize`; no batching is a batch size of 1.
 */
export class Batcher<T> {
  readonly #queue: FairQueue<Queued<T>>;
  #running: T[] = [];
  #runningPromise: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #flushing = false;
  #maxQueueDelayMs: number;
  /** Input units of the queued items. */
  #queuedUnits = 0;
  /** When the executor last became free, on the `performance.now()` clock. */
  #freeSinceMs = -Infinity;

  constructor(private readonly options: BatcherOptions<T>) {
    this.#queue = new FairQueue(options.priorityLevels);
    this.#maxQueueDelayMs = options.maxQueueDelayMs;
  }

  /**
   * Changes how long a partial batch may wait, for the batch filling now too: with a shorter delay
   * a batch that already waited that long runs at once.
   */
  setMaxQueueDelayMs(delayMs: number): void {
    this.#maxQueueDelayMs = delayMs;
    this.#schedule();
  }

  /** Queues an item at a priority level (0 = highest). */
  push(item: T, level: number): void {
    const queuedAtMs = performance.now();
    const deadlineUnixMs = this.options.deadlineUnixMs?.(item);
    const deadlineAtMs = deadlineUnixMs === undefined ? Infinity : queuedAtMs + deadlineUnixMs - Date.now();
    const units = this.options.unitsOf?.(item) ?? 1;
    this.#queue.push(
      { item, units, queuedAtMs, deadlineAtMs },
      level,
      this.options.tenantOf?.(item) ?? SHARED_TENANT,
    );
    this.#queuedUnits += units;
    this.#schedule();
  }

  /** Items queued or running, e.g. to tell JetStream they are still being worked on. */
  held(): T[] {
    return [...this.#running, ...Array.from(this.#queue.items(), (entry) => entry.item)];
  }

  /** Queued items not yet running. */
  get queuedCount(): number {
    return this.#queue.size;
  }

  /** Runs everything queued without waiting for batches to fill; resolves when nothing is queued or running. */
  async flush(): Promise<void> {
    this.#flushing = true;
    this.#schedule();
    while (this.#runningPromise !== undefined) await this.#runningPromise;
  }

  /** Removes and returns every queued (not running) item, e.g. to hand them back on shutdown. */
  takeQueued(): T[] {
    const items = this.#queue.clear().map((entry) => entry.item);
    this.#queuedUnits = 0;
    this.#clearTimers();
    return items;
  }

  #schedule(): void {
    if (this.#runningPromise !== undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const nowMs = performance.now();
    this.#removeExpired(nowMs);
    const queued = this.queuedCount;
    if (queued === 0) {
      this.#clearTimers();
      this.#flushing = false;
      return;
    }
    if (this.#flushing || queued >= this.options.maxBatchSize || this.#queuedUnits >= this.#maxBatchUnits) {
      this.#dispatch(this.options.maxBatchSize);
      return;
    }
    const preferredSizeQueued = this.#largestPreferredSize(queued) !== undefined;
    const closeAtMs = this.#closeAtMs();
    if (preferredSizeQueued || closeAtMs <= nowMs) {
      // Jobs pulled in one read arrive one callback at a time; waiting for the end of this turn of
      // the event loop lets all of them join the batch instead of the first one running alone.
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        if (this.#runningPromise !== undefined || this.queuedCount === 0) return;
        const waitedEnough = this.#closeAtMs() <= performance.now();
        const size = waitedEnough ? undefined : this.#largestPreferredSize(this.queuedCount);
        this.#dispatch(size ?? this.options.maxBatchSize);
      });
    } else {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#schedule();
      }, closeAtMs - nowMs);
    }
  }

  /**
   * When the partial batch forming now should run: its queue delay's end, or earlier when the
   * tightest deadline among its items, less the batch's expected run time, comes first. Only asked
   * while fewer than `maxBatchSize` items are queued, so the batch would take every one of them.
   */
  #closeAtMs(): number {
    let oldestMs = Infinity;
    let tightestMs = Infinity;
    for (const entry of this.#queue.items()) {
      oldestMs = Math.min(oldestMs, entry.queuedAtMs);
      tightestMs = Math.min(tightestMs, entry.deadlineAtMs);
    }
    const formingSinceMs = this.options.fixedSize === true ? Math.max(oldestMs, this.#freeSinceMs) : oldestMs;
    const expectedRunMs = tightestMs === Infinity ? 0 : (this.options.expectedRunMs?.(this.queuedCount) ?? 0);
    return Math.min(formingSinceMs + this.#maxQueueDelayMs, tightestMs - expectedRunMs);
  }

  get #maxBatchUnits(): number {
    return this.options.maxBatchUnits ?? Infinity;
  }

  /** The largest preferred batch size `queued` items fill, if any. */
  #largestPreferredSize(queued: number): number | undefined {
    const sizes = this.options.preferredBatchSizes ?? [];
    return sizes.findLast((size) => size <= queued);
  }

  /** Hands queued items whose deadline has passed to `onExpired`, so they never run. */
  #removeExpired(nowMs: number): void {
    const onExpired = this.options.onExpired;
    if (onExpired === undefined) return;
    const expired = this.#queue.removeWhere((entry) => entry.deadlineAtMs <= nowMs);
    for (const entry of expired) {
      this.#queuedUnits -= entry.units;
      onExpired(entry.item);
    }
  }

  #clearTimers(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearImmediate(this.#immediate);
    this.#immediate = undefined;
  }

  /** Runs a batch of up to `size` queued items, within the unit bound. */
  #dispatch(size: number): void {
    this.#clearTimers();
    this.#removeExpired(performance.now());
    let units = 0;
    const fitsUnitBound = (entry: Queued<T>) => {
      if (units > 0 && units + entry.units > this.#maxBatchUnits) return false;
      units += entry.units;
      return true;
    };
    const batch = this.#queue.take(size, fitsUnitBound).map((entry) => entry.item);
    this.#queuedUnits -= units;
    if (batch.length === 0) return;
    this.#running = batch;
    this.#runningPromise = this.options.run(batch).finally(() => {
      this.#running = [];
      this.#runningPromise = undefined;
      this.#freeSinceMs = performance.now();
      if (this.queuedCount === 0) this.#flushing = false;
      this.#schedule();
    });
  }
}
