import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import { subscribeDecoded } from '@switchboard/nats';
import { LoadSnapshotSchema } from '@switchboard/protocol';
import type { ModelLoad } from '@switchboard/protocol';

/** A load snapshot older than this is ignored: the monitor has stopped publishing. */
const STALE_AFTER_MS = 5_000;
/** Floor of a batch's service time, so a model never looks infinitely fast. */
const MIN_SERVICE_MS = 0.05;

/**
 * The router's picture of each model's queue: the monitor's latest `monitor.load` snapshot (every
 * router's jobs, refreshed about every 250 ms) and this router's own unanswered jobs (known at once),
 * whichever says more work is ahead.
 */
export class LoadView {
  #loads = new Map<string, ModelLoad>();
  #snapshotAtMs = 0;
  readonly #outstanding = new Map<string, number>();

  /** Replaces the monitor's figures with a newer snapshot. */
  apply(models: readonly ModelLoad[], atMs = Date.now()): void {
    this.#loads = new Map(models.map((load) => [load.model, load]));
    this.#snapshotAtMs = atMs;
  }

  /** Counts a job this router queued for `model` until {@link jobFinished}. */
  jobStarted(model: string): void {
    this.#outstanding.set(model, (this.#outstanding.get(model) ?? 0) + 1);
  }

  jobFinished(model: string): void {
    const count = (this.#outstanding.get(model) ?? 1) - 1;
    if (count <= 0) this.#outstanding.delete(model);
    else this.#outstanding.set(model, count);
  }

  /** Jobs of `model` waiting or running, as far as this router knows. */
  jobsAhead(model: string, nowMs = Date.now()): number {
    const load = this.#freshLoad(model, nowMs);
    const queued = load === undefined ? 0 : Number(load.pending + load.inFlight);
    return Math.max(queued, this.#outstanding.get(model) ?? 0);
  }

  /**
   * Predicted wait before a new job of `model` starts running, in milliseconds: the jobs ahead of it
   * divided by the rate they are served at — the measured throughput, or the capacity of the live
   * workers (batch size ÷ batch service time each) when that is higher, because a lightly used model
   * serves far below its capacity. Infinite when no live worker serves the model. A backlog fills
   * batches: the batch size counted is at least what the jobs ahead form per worker, up to the
   * model's largest batch, so a queue of a batching model is not predicted to drain one by one
   * (which refused work the model had time for, at 4x its real wait for batches of 4).
   * @param serviceMs the model's predicted service time, used until the monitor has measured one.
   * @param maxBatchSize the model's largest batch (its batching spec).
   */
  queueWaitMs(
    model: string,
    serviceMs: number,
    liveWorkers: number,
    maxBatchSize = 1,
    nowMs = Date.now(),
  ): number {
    if (liveWorkers === 0) return Number.POSITIVE_INFINITY;
    const ahead = this.jobsAhead(model, nowMs);
    if (ahead === 0) return 0;
    const load = this.#freshLoad(model, nowMs);
    const formedBatch = Math.min(maxBatchSize, Math.ceil(ahead / liveWorkers));
    const batchSize = Math.max(1, load?.batchSize ?? 1, formedBatch);
    const batchServiceMs = Math.max(MIN_SERVICE_MS, load?.serviceTimeMs || serviceMs);
    const capacityPerMs = (liveWorkers * batchSize) / batchServiceMs;
    const throughputPerMs = (load?.throughputPerSecond ?? 0) / 1000;
    return ahead / Math.max(capacityPerMs, throughputPerMs);
  }

  /** The monitor's figures for `model`, unless the monitor has been silent too long. */
  #freshLoad(model: string, nowMs: number): ModelLoad | undefined {
    return nowMs - this.#snapshotAtMs < STALE_AFTER_MS ? this.#loads.get(model) : undefined;
  }
}

/** Feeds every snapshot published on `subject` into `view`; unsubscribe to stop. */
export function subscribeLoadSnapshots(
  connection: NatsConnection,
  subject: string,
  view: LoadView,
  logger: Logger,
): Subscription {
  return subscribeDecoded(
    connection,
    subject,
    LoadSnapshotSchema,
    (snapshot) => view.apply(snapshot.models),
    logger,
    'load snapshot',
  );
}
