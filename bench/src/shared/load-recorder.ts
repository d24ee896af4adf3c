import { setTimeout as sleep } from 'node:timers/promises';
import { fromBinary } from '@bufbuild/protobuf';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { LoadSnapshotSchema } from '@switchboard/protocol';
import type { ModelLoad } from '@switchboard/protocol';

/** How often {@link LoadRecorder.waitUntilIdle} looks at the latest snapshot. */
const IDLE_POLL_MS = 100;
/** A snapshot older than this does not say the queues are empty (the monitor publishes every 250 ms). */
const FRESH_MS = 1_000;

function jobsOf(models: readonly ModelLoad[]): number {
  return models.reduce((sum, load) => sum + Number(load.pending + load.inFlight), 0);
}

/**
 * Listens to the monitor's `monitor.load` snapshots — the same ones the router predicts queue
 * waits from — to tell when the queues have drained between strategies, and to keep the busiest
 * snapshot seen, so the in-process selector can be timed against a realistic load. Stop with `stop()`.
 */
export class LoadRecorder {
  readonly #subscription: Subscription;
  #latest: readonly ModelLoad[] | undefined;
  #latestAtMs = 0;
  #busiest: readonly ModelLoad[] = [];

  constructor(connection: NatsConnection, subject: string) {
    this.#subscription = connection.subscribe(subject, {
      callback: (error, message) => {
        // A lost or undecodable snapshot is replaced by the next one a quarter second later.
        if (error !== null) return;
        try {
          this.#record(fromBinary(LoadSnapshotSchema, message.data).models);
        } catch {
          return;
        }
      },
    });
  }

  #record(models: readonly ModelLoad[]): void {
    this.#latest = models;
    this.#latestAtMs = Date.now();
    if (jobsOf(models) > jobsOf(this.#busiest)) this.#busiest = models;
  }

  /** The snapshot with the most jobs queued or running since the last {@link resetBusiest}. */
  get busiest(): readonly ModelLoad[] {
    return this.#busiest;
  }

  /** Jobs queued or running across every model in the latest snapshot; 0 before the first. */
  get latest(): { readonly queueDepth: number } {
    return { queueDepth: jobsOf(this.#latest ?? []) };
  }

  resetBusiest(): void {
    this.#busiest = [];
  }

  /**
   * Waits until a fresh snapshot shows no job queued or running for any model.
   * @returns false when that did not happen within `timeoutMs` (or the monitor is silent).
   */
  async waitUntilIdle(timeoutMs: number): Promise<boolean> {
    const deadlineMs = Date.now() + timeoutMs;
    while (Date.now() < deadlineMs) {
      const fresh = this.#latest !== undefined && Date.now() - this.#latestAtMs < FRESH_MS;
      if (fresh && jobsOf(this.#latest ?? []) === 0) return true;
      await sleep(IDLE_POLL_MS);
    }
    return false;
  }

  stop(): void {
    this.#subscription.unsubscribe();
  }
}
