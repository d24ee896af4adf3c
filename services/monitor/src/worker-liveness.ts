import { fromBinary } from '@bufbuild/protobuf';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import { WorkerHeartbeatSchema, WorkerState } from '@switchboard/protocol';
import type { WorkerHeartbeat } from '@switchboard/protocol';

/** A worker is presumed gone after this many missed heartbeats (the router uses the same rule). */
const MISSED_HEARTBEATS_BEFORE_GONE = 3;

/** Live workers by heartbeat state. */
export interface WorkerCounts {
  readonly ready: number;
  readonly draining: number;
}

/** Which workers are alive and ready, per model, from `worker.heartbeat`. */
export class WorkerLiveness {
  readonly #latest = new Map<string, WorkerHeartbeat>();
  #subscription: Subscription | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly subject: string,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.#subscription = this.connection.subscribe(this.subject, {
      callback: (error, message) => {
        if (error) return this.logger.warn({ err: error }, 'heartbeat subscription error');
        try {
          const heartbeat = fromBinary(WorkerHeartbeatSchema, message.data);
          this.#latest.set(heartbeat.workerId, heartbeat);
        } catch (decodeError) {
          this.logger.warn({ err: decodeError }, 'ignoring undecodable heartbeat');
        }
      },
    });
  }

  /** Stops listening. Idempotent. */
  stop(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
  }

  /** Live, ready workers with `model` loaded at `nowMs`; forgets workers long gone. */
  liveWorkers(model: string, nowMs: number): number {
    let live = 0;
    for (const heartbeat of this.#live(nowMs))
      if (heartbeat.state === WorkerState.READY && heartbeat.models.some((loaded) => loaded.name === model))
        live += 1;
    return live;
  }

  /** Live workers at `nowMs` by heartbeat state, whatever they serve; forgets workers long gone. */
  workersByState(nowMs: number): WorkerCounts {
    const counts = { ready: 0, draining: 0 };
    for (const heartbeat of this.#live(nowMs)) {
      if (heartbeat.state === WorkerState.READY) counts.ready += 1;
      else if (heartbeat.state === WorkerState.DRAINING) counts.draining += 1;
    }
    return counts;
  }

  /** The latest heartbeat of every worker not presumed gone at `nowMs`. */
  *#live(nowMs: number): Generator<WorkerHeartbeat> {
    for (const [workerId, heartbeat] of this.#latest) {
      const expiresAtMs =
        Number(heartbeat.atUnixMs) + Number(heartbeat.intervalMs) * MISSED_HEARTBEATS_BEFORE_GONE;
      if (expiresAtMs < nowMs) this.#latest.delete(workerId);
      else yield heartbeat;
    }
  }
}
