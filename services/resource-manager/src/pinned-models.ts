import { Kvm } from '@nats-io/kv';
import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { NatsConnection, QueuedIterator } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';

/**
 * Models an operator asked to keep loaded (RepositoryModelLoad through the router): each keeps at
 * least one replica placed whatever its demand, until unpinned. Kept in a NATS KV bucket so every
 * resource manager replica, and a restarted one, sees the same set; each replica follows the bucket
 * with a watch, so `has` costs no round trip.
 */
export class PinnedModels {
  readonly #pinned = new Set<string>();
  #watcher: QueuedIterator<KvWatchEntry> | undefined;
  #watching: Promise<void> | undefined;

  private constructor(
    private readonly bucket: KV,
    private readonly logger: Logger,
  ) {}

  /**
   * Opens (creating if needed) the bucket and resolves once every pin it held is known.
   * @throws Error (from NATS) when the bucket cannot be opened or watched.
   */
  static async open(
    connection: NatsConnection,
    names: SubjectNames,
    replicas: number,
    logger: Logger,
  ): Promise<PinnedModels> {
    // Key = model name: only registered models are pinned, by an administrator.
    const bucket = await new Kvm(connection).create(names.pinBucket, { history: 1, replicas });
    const pins = new PinnedModels(bucket, logger);
    // Updates are watched before the keys are listed, so no pin made in between is missed.
    const watcher = await bucket.watch({ key: '>', include: 'updates' });
    pins.#watcher = watcher;
    pins.#watching = (async () => {
      for await (const entry of watcher) {
        if (entry.operation === 'PUT') pins.#pinned.add(entry.key);
        else pins.#pinned.delete(entry.key);
      }
    })().catch((error: unknown) => logger.error({ err: error }, 'watch of pinned models failed'));
    for await (const key of await bucket.keys()) pins.#pinned.add(key);
    return pins;
  }

  /** Whether `model` is pinned. */
  has(model: string): boolean {
    return this.#pinned.has(model);
  }

  /** Pins `model`; known to this replica at once, to the others within a watch delivery. */
  async pin(model: string): Promise<void> {
    await this.bucket.put(model, '');
    this.#pinned.add(model);
    this.logger.info({ model }, 'model pinned: at least one replica stays placed');
  }

  /** Unpins `model`; a no-op for a model not pinned. */
  async unpin(model: string): Promise<void> {
    if (!this.#pinned.has(model) && (await this.bucket.get(model)) === null) return;
    await this.bucket.delete(model);
    this.#pinned.delete(model);
    this.logger.info({ model }, 'model unpinned: it follows its demand again');
  }

  /** Stops following the bucket. Idempotent. */
  async stop(): Promise<void> {
    this.#watcher?.stop();
    await this.#watching;
  }
}
