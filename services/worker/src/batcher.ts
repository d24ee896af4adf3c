import { performance } from 'node:perf_hooks';

export interface BatcherOptions<T> {
  /** Most items in one batch. */
  maxBatchSize: number;
  /**
   * How long the oldest queued item may wait for the batch to fill. 0 dispatches whatever is queued
   * as soon as the executor is free, so batches still form under load (while one batch runs, the
   * next one fills) without adding latency when idle.
   */
  maxQueueDelayMs: number;
  /** Number of priority levels; level 0 is drained first. */
  priorityLevels: number;
  /** Executes one batch. Must not throw: failures are the runner's to answer. */
  run: (batch: T[]) => Promise<void>;
}

interface Queued<T> {
  item: T;
  queuedAtMs: number;
}

/**
 * Groups items into batches for one model: a batch goes to `run` when it is full, when its oldest item
 * has waited `maxQueueDelayMs`, or on flush; one batch runs at a time and higher priorities are taken
 * first. This is dynamic batching; static batching is the same with a fill delay, and no batching is a
 * batch size of 1.
 */
export class Batcher<T> {
  readonly #queues: Queued<T>[][];
  #running: T[] = [];
  #runningPromise: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #flushing = false;
  #maxQueueDelayMs: number;

  constructor(private readonly options: BatcherOptions<T>) {
    this.#queues = Array.from({ length: options.priorityLevels }, () => []);
    this.#maxQueueDelayMs = options.maxQueueDelayMs;
  }

  /**
   * Changes how long the oldest queued item may wait, for the batch filling now too: with a shorter
   * delay an item that already waited that long runs at once.
   */
  setMaxQueueDelayMs(delayMs: number): void {
    this.#maxQueueDelayMs = delayMs;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#schedule();
  }

  /** Queues an item at a priority level (0 = highest). */
  push(item: T, level: number): void {
    const queue = this.#queues[Math.min(Math.max(level, 0), this.#queues.length - 1)];
    queue?.push({ item, queuedAtMs: performance.now() });
    this.#schedule();
  }

  /** Items queued or running, e.g. to tell JetStream they are still being worked on. */
  held(): T[] {
    return [...this.#running, ...this.#queues.flatMap((queue) => queue.map((entry) => entry.item))];
  }

  /** Queued items not yet running. */
  get queuedCount(): number {
    return this.#queues.reduce((sum, queue) => sum + queue.length, 0);
  }

  /** Runs everything queued without waiting for batches to fill; resolves when nothing is queued or running. */
  async flush(): Promise<void> {
    this.#flushing = true;
    this.#schedule();
    while (this.#runningPromise !== undefined) await this.#runningPromise;
  }

  /** Removes and returns every queued (not running) item, e.g. to hand them back on shutdown. */
  takeQueued(): T[] {
    const items = this.#queues.flatMap((queue) => queue.splice(0).map((entry) => entry.item));
    this.#clearTimers();
    return items;
  }

  #schedule(): void {
    if (this.#runningPromise !== undefined) return;
    const queued = this.queuedCount;
    if (queued === 0) return;
    const waitedMs = performance.now() - this.#oldestQueuedAtMs();
    const remainingMs = this.#maxQueueDelayMs - waitedMs;
    if (this.#flushing || queued >= this.options.maxBatchSize) {
      this.#clearTimers();
      this.#dispatch();
    } else if (remainingMs <= 0) {
      // Jobs pulled in one read arrive one callback at a time; waiting for the end of this turn of
      // the event loop lets all of them join the batch instead of the first one running alone.
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        if (this.#runningPromise === undefined && this.queuedCount > 0) this.#dispatch();
      });
    } else {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#schedule();
      }, remainingMs);
    }
  }

  #clearTimers(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearImmediate(this.#immediate);
    this.#immediate = undefined;
  }

  #oldestQueuedAtMs(): number {
    let oldest = Infinity;
    for (const queue of this.#queues) oldest = Math.min(oldest, queue[0]?.queuedAtMs ?? Infinity);
    return oldest;
  }

  #dispatch(): void {
    this.#clearTimers();
    const batch: T[] = [];
    for (const queue of this.#queues) {
      while (batch.length < this.options.maxBatchSize && queue.length > 0) {
        const entry = queue.shift();
        if (entry) batch.push(entry.item);
      }
    }
    this.#running = batch;
    this.#runningPromise = this.options.run(batch).finally(() => {
      this.#running = [];
      this.#runningPromise = undefined;
      if (this.queuedCount === 0) this.#flushing = false;
      this.#schedule();
    });
  }
}
