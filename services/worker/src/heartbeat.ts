import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { NatsConnection } from '@nats-io/transport-node';
import { WorkerHeartbeatSchema } from '@switchboard/protocol';

/** What the heartbeat reports besides its time and interval; read fresh each beat. */
export type HeartbeatState = () => Omit<
  MessageInitShape<typeof WorkerHeartbeatSchema>,
  '$typeName' | 'atUnixMs' | 'intervalMs'
>;

/**
 * Publishes the worker's state on worker.heartbeat every interval (and on demand), so routers know
 * which models have a live worker and the resource manager knows the pool.
 */
export class Heartbeat {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly subject: string,
    private readonly intervalMs: number,
    private readonly state: HeartbeatState,
  ) {}

  start(): void {
    this.beat();
    this.#timer = setInterval(() => this.beat(), this.intervalMs);
  }

  /** Publishes the current state now, e.g. right after a model finished loading. */
  beat(): void {
    const message = create(WorkerHeartbeatSchema, {
      ...this.state(),
      atUnixMs: BigInt(Date.now()),
      intervalMs: BigInt(this.intervalMs),
    });
    this.connection.publish(this.subject, toBinary(WorkerHeartbeatSchema, message));
  }

  /** Stops the periodic beat. Idempotent. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
