import { fromBinary } from '@bufbuild/protobuf';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import { WorkerHeartbeatSchema, WorkerState } from '@switchboard/protocol';
import type { WorkerHeartbeat } from '@switchboard/protocol';

/** A worker is presumed gone after this many missed heartbeats. */
const MISSED_HEARTBEATS_BEFORE_GONE = 3;

/**
 * Which workers are alive and which models they have loaded, from worker.heartbeat. A worker that
 * drains or stops beating no longer counts.
 */
export class WorkerPresence {
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

  stop(): void {
    this.#subscription?.unsubscribe();
  }

  /** Whether at least one live, ready worker has `model` loaded (at `version`, when given). */
  isServed(model: string, version?: string): boolean {
    const now = Date.now();
    for (const heartbeat of this.#latest.values()) {
      const expiresAt =
        Number(heartbeat.atUnixMs) + Number(heartbeat.intervalMs) * MISSED_HEARTBEATS_BEFORE_GONE;
      if (expiresAt < now || heartbeat.state !== WorkerState.READY) continue;
      if (
        heartbeat.models.some((loaded) => loaded.name === model && (!version || loaded.version === version))
      ) {
        return true;
      }
    }
    return false;
  }
}
