import { performance } from 'node:perf_hooks';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';

/**
 * Opens the namespace's lease bucket (`names.leaseBucket`), creating it with `ttlMs` as the age at
 * which an entry expires: a holder that stops renewing loses its lease that long after its last write.
 * An existing bucket keeps the TTL it was created with; LeaseKeeper reads and follows it. `replicas`:
 * servers holding the bucket (`NATS_STREAM_REPLICAS`).
 */
export function openLeaseBucket(
  connection: NatsConnection,
  names: SubjectNames,
  ttlMs: number,
  replicas = 1,
): Promise<KV> {
  return new Kvm(connection).create(names.leaseBucket, { ttl: ttlMs, history: 1, replicas });
}

/** Options for {@link LeaseKeeper}. */
export interface LeaseKeeperOptions {
  /** The lease bucket from {@link openLeaseBucket}. */
  readonly kv: KV;
  /** One key per lease, e.g. `resource-manager`. */
  readonly key: string;
  /** Written as the key's value, so {@link LeaseKeeper.holder} can name who holds the lease. */
  readonly holderId: string;
  /** How long a lease outlives its last renewal; renewals come every third of it. */
  readonly ttlMs: number;
  readonly logger: Logger;
  /** Called with true when this keeper gained the lease, false when it lost or released it. */
  readonly onChange: (held: boolean) => void;
}

/**
 * Holds a lease on one key of a NATS KV bucket whose entries expire after the TTL, so one process of
 * many acts at a time. It acquires by creating the key (which succeeds only when the key is absent,
 * deleted or expired) and renews by updating it at the revision it last wrote, every TTL/3; losing
 * that race, or failing to renew for a whole TTL, means the lease is lost. The revision at acquisition
 * is the epoch: a fencing token that grows with every new holder, since revisions are the bucket
 * stream's sequence numbers.
 */
export class LeaseKeeper {
  readonly #options: LeaseKeeperOptions;
  #ttlMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** The step in progress; steps never overlap. */
  #step: Promise<void> | undefined;
  #stopped = false;
  /** Set while this keeper believes it holds the lease. */
  #epoch: bigint | undefined;
  /** The revision this keeper last wrote, which the next renewal must still find. */
  #revision = 0;
  /**
   * performance.now() by which the entry may have expired: one TTL after the last successful write
   * was sent (the server stored it later, so it expires no sooner).
   */
  #validUntil = 0;

  constructor(options: LeaseKeeperOptions) {
    this.#options = options;
    this.#ttlMs = options.ttlMs;
  }

  /**
   * Tries to acquire the lease at once, then keeps renewing it or trying again every TTL/3.
   * @throws Error when the bucket has no TTL: a holder that died would keep the lease forever.
   */
  async start(): Promise<void> {
    const bucketTtlMs = (await this.#options.kv.status()).ttl;
    if (bucketTtlMs <= 0) throw new Error(`the lease bucket of key ${this.#options.key} has no TTL`);
    if (bucketTtlMs !== this.#options.ttlMs) {
      this.#options.logger.warn(
        { configuredTtlMs: this.#options.ttlMs, bucketTtlMs },
        'the lease bucket was created with another TTL; following the bucket',
      );
    }
    this.#ttlMs = bucketTtlMs;
    if (this.#stopped) return;
    await this.#runStep();
    this.#timer = setInterval(() => void this.#runStep(), this.#ttlMs / 3);
  }

  /**
   * Whether this keeper holds the lease now. False once a TTL passed since the last renewal was sent,
   * even before the failed renewal is noticed, so a stalled process never acts on an expired lease.
   */
  held(): boolean {
    return this.#epoch !== undefined && performance.now() < this.#validUntil;
  }

  /** The fencing token of the lease this keeper holds; undefined when it holds none. */
  epoch(): bigint | undefined {
    return this.held() ? this.#epoch : undefined;
  }

  /** Who holds the lease by the bucket: the holder id written at acquisition, undefined when nobody does. */
  async holder(): Promise<string | undefined> {
    const entry = await this.#options.kv.get(this.#options.key);
    return entry?.operation === 'PUT' ? entry.string() : undefined;
  }

  /** Stops renewing and, when held, deletes the key so another keeper can take over at its next try. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#step;
    if (this.#epoch === undefined) return;
    try {
      // Only at our revision: a lease that already passed to another keeper is not ours to delete.
      await this.#options.kv.delete(this.#options.key, { previousSeq: this.#revision });
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'could not release the lease; it expires after its TTL');
    }
    this.#lose('released');
  }

  #runStep(): Promise<void> {
    if (this.#step !== undefined || this.#stopped) return Promise.resolve();
    this.#step = (this.#epoch === undefined ? this.#acquire() : this.#renew())
      .catch((error: unknown) => this.#options.logger.warn({ err: error }, 'lease step failed; trying again'))
      .finally(() => {
        this.#step = undefined;
      });
    return this.#step;
  }

  async #acquire(): Promise<void> {
    const { kv, key, holderId, logger } = this.#options;
    const sentAt = performance.now();
    let revision: number;
    try {
      revision = await kv.create(key, holderId);
    } catch (error) {
      if (isWrongLastSequence(error)) return;
      throw error;
    }
    if (this.#stopped) {
      await kv.delete(key, { previousSeq: revision });
      return;
    }
    this.#revision = revision;
    this.#validUntil = sentAt + this.#ttlMs;
    this.#epoch = BigInt(revision);
    logger.info({ holderId, epoch: revision }, 'lease acquired');
    this.#options.onChange(true);
  }

  async #renew(): Promise<void> {
    const { kv, key, holderId, logger } = this.#options;
    const sentAt = performance.now();
    try {
      this.#revision = await kv.update(key, holderId, this.#revision);
      this.#validUntil = sentAt + this.#ttlMs;
    } catch (error) {
      if (isWrongLastSequence(error)) {
        this.#lose('another holder wrote the key, or it expired');
      } else if (performance.now() >= this.#validUntil) {
        logger.warn({ err: error }, 'lease renewal failed');
        this.#lose('not renewed within the TTL');
      } else {
        throw error;
      }
    }
  }

  #lose(reason: string): void {
    if (this.#epoch === undefined) return;
    this.#options.logger.info(
      { holderId: this.#options.holderId, epoch: Number(this.#epoch), reason },
      'lease lost',
    );
    this.#epoch = undefined;
    this.#options.onChange(false);
  }
}

/** Whether a conditional KV write failed because the key was not at the expected revision. */
function isWrongLastSequence(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
