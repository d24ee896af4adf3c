import { Batcher } from './batcher.js';
import type { BatchLimits } from './batch-limits.js';
import type { TenantShare } from './fair-queue.js';

/** The batch limits every version's batcher gets, and the runner of their batches. */
export interface VersionBatchersOptions<T> extends BatchLimits {
  /** Number of priority levels; level 0 is the highest. */
  priorityLevels: number;
  /** The tenant an item counts against and its weight; see BatcherOptions. */
  tenantOf?: (item: T) => TenantShare;
  /** What an item costs a batch, in input units; see BatcherOptions. */
  unitsOf?: (item: T) => number;
  /** Executes one batch, all of one version. Must not throw: failures are the runner's to answer. */
  run: (version: string, batch: T[]) => Promise<void>;
  /** An item's deadline, Unix ms; see BatcherOptions. */
  deadlineUnixMs?: (item: T) => number | undefined;
  /** How long a batch of `batchSize` items is expected to run, ms; see BatcherOptions. */
  expectedRunMs?: (batchSize: number) => number;
  /** Takes an item whose deadline passed while it was queued; it never runs. */
  onExpired?: (item: T) => void;
}

/**
 * One batcher per version of a model, created when the version's first job arrives: a batch never
 * mixes versions, since one runtime call runs one version's weights. Each version batches as the
 * model says and runs one batch at a time; versions run beside each other, so loading one version
 * on demand never holds up the batches of another.
 */
export class VersionBatchers<T> {
  readonly #batchers = new Map<string, Batcher<T>>();
  #maxQueueDelayMs: number;

  constructor(private readonly options: VersionBatchersOptions<T>) {
    this.#maxQueueDelayMs = options.maxQueueDelayMs;
  }

  /** Changes every version's queue delay, for batches filling now and versions batching later. */
  setMaxQueueDelayMs(delayMs: number): void {
    this.#maxQueueDelayMs = delayMs;
    for (const batcher of this.#batchers.values()) batcher.setMaxQueueDelayMs(delayMs);
  }

  /** Queues an item of `version` at a priority level (0 = highest). */
  push(version: string, item: T, level: number): void {
    let batcher = this.#batchers.get(version);
    if (batcher === undefined) {
      const { run, ...limits } = this.options;
      batcher = new Batcher({
        ...limits,
        maxQueueDelayMs: this.#maxQueueDelayMs,
        run: (batch) => run(version, batch),
      });
      this.#batchers.set(version, batcher);
    }
    batcher.push(item, level);
  }

  /** Items of `version` queued or running. */
  heldCount(version: string): number {
    return this.#batchers.get(version)?.held().length ?? 0;
  }

  /** Items queued or running, of every version. */
  held(): T[] {
    return [...this.#batchers.values()].flatMap((batcher) => batcher.held());
  }

  /** Runs everything queued without waiting for batches to fill; resolves when nothing is queued or running. */
  async flush(): Promise<void> {
    await Promise.all([...this.#batchers.values()].map((batcher) => batcher.flush()));
  }

  /** Removes and returns every queued (not running) item, e.g. to hand them back on shutdown. */
  takeQueued(): T[] {
    return [...this.#batchers.values()].flatMap((batcher) => batcher.takeQueued());
  }
}
