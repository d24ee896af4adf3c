/**
 * How a ModelServer hands its jobs to a model's versions, whichever way the model batches:
 * VersionBatchers (no, static or dynamic batching) or ContinuousBatchers (continuous batching).
 */
export interface VersionScheduler<T> {
  /** Queues an item of `version` at a priority level (0 = highest). */
  push(version: string, item: T, level: number): void;
  /** Items queued or running, of every version. */
  held(): T[];
  /** Items of `version` queued or running. */
  heldCount(version: string): number;
  /** Runs everything queued without waiting for more; resolves when nothing is queued or running. */
  flush(): Promise<void>;
  /** Removes and returns every queued (not running) item, e.g. to hand them back on shutdown. */
  takeQueued(): T[];
  /** Changes how long a batch may wait for more items; schedulers that never wait ignore it. */
  setMaxQueueDelayMs(delayMs: number): void;
}
