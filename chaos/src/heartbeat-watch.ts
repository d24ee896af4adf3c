import { fromBinary } from '@bufbuild/protobuf';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { waitFor } from '@switchboard/local-infra';
import type { SubjectNames } from '@switchboard/nats';
import { WorkerHeartbeatSchema } from '@switchboard/protocol';
import type { WorkerHeartbeat } from '@switchboard/protocol';

/** Keeps each worker's latest heartbeat, so a scenario can strike while a worker holds jobs. */
export class HeartbeatWatch {
  readonly #latest = new Map<string, WorkerHeartbeat>();
  readonly #subscription: Subscription;

  constructor(connection: NatsConnection, names: SubjectNames) {
    this.#subscription = connection.subscribe(names.workerHeartbeatSubject, {
      callback: (_, message) => {
        const heartbeat = fromBinary(WorkerHeartbeatSchema, message.data);
        this.#latest.set(heartbeat.workerId, heartbeat);
      },
    });
  }

  /**
   * Resolves once `workerId`'s heartbeat satisfies `predicate`.
   * @throws Error after `timeoutMs`, naming `what`.
   */
  async waitFor(
    workerId: string,
    what: string,
    predicate: (heartbeat: WorkerHeartbeat) => boolean,
    timeoutMs = 30_000,
  ): Promise<void> {
    await waitFor(
      async () => {
        const heartbeat = this.#latest.get(workerId);
        return heartbeat !== undefined && predicate(heartbeat);
      },
      { timeoutMs, intervalMs: 20, message: `worker ${workerId}: ${what}` },
    );
  }

  /** Resolves once `workerId` serves every model in `models`. */
  waitUntilServing(workerId: string, models: readonly string[], timeoutMs = 30_000): Promise<void> {
    return this.waitFor(
      workerId,
      `serving ${models.join(', ')}`,
      (heartbeat) => models.every((model) => heartbeat.models.some((loaded) => loaded.name === model)),
      timeoutMs,
    );
  }

  /** Resolves once `workerId` holds at least `jobs` jobs (queued in its batcher or running). */
  waitUntilHolding(workerId: string, jobs: number, timeoutMs = 30_000): Promise<void> {
    return this.waitFor(
      workerId,
      `holding ${jobs} jobs`,
      (heartbeat) => heartbeat.inFlight >= jobs,
      timeoutMs,
    );
  }

  stop(): void {
    this.#subscription.unsubscribe();
  }
}
