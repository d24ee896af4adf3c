import { fromBinary } from '@bufbuild/protobuf';
import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import { ModelSpecSchema, RouteSpecSchema } from '@switchboard/protocol';
import type { ModelSpec, RouteSpec } from '@switchboard/protocol';

/** Called after every applied change with the key that changed. */
export type SnapshotListener = (key: string) => void;

/**
 * A live, in-memory copy of the registry bucket: reads are synchronous map lookups on the request
 * path, and a KV watch applies every change as it happens, so a model registered a moment ago is
 * served without any restart.
 */
export class RegistrySnapshot {
  readonly #models = new Map<string, ModelSpec>();
  readonly #routes = new Map<string, RouteSpec>();
  readonly #listeners = new Set<SnapshotListener>();
  #watcher: QueuedIterator<KvWatchEntry> | undefined;
  #watching: Promise<void> | undefined;

  constructor(
    private readonly bucket: KV,
    private readonly logger: Logger,
  ) {}

  /** Starts watching and resolves once every entry that existed at start has been applied. */
  async start(): Promise<void> {
    const initialCount = (await this.bucket.status()).values;
    this.#watcher = await this.bucket.watch({ key: '>' });
    let applied = 0;
    let markLoaded: () => void = () => {};
    const loaded = new Promise<void>((resolve) => (markLoaded = resolve));
    if (initialCount === 0) markLoaded();
    this.#watching = (async () => {
      for await (const entry of this.#watcher ?? []) {
        this.#apply(entry);
        applied += 1;
        if (applied >= initialCount || entry.delta === 0) markLoaded();
      }
    })().catch((error: unknown) => this.logger.error({ err: error }, 'registry watch failed'));
    await loaded;
  }

  /** Stops watching. Idempotent. */
  async stop(): Promise<void> {
    this.#watcher?.stop();
    await this.#watching;
  }

  getModel(name: string): ModelSpec | undefined {
    return this.#models.get(name);
  }

  getRoute(name: string): RouteSpec | undefined {
    return this.#routes.get(name);
  }

  listModels(): ModelSpec[] {
    return [...this.#models.values()];
  }

  /** Registers a listener for applied changes; returns a function that removes it. */
  onChange(listener: SnapshotListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #apply(entry: KvWatchEntry): void {
    const [kind, name = ''] = splitKey(entry.key);
    const removed = entry.operation !== 'PUT';
    try {
      if (kind === 'models') {
        if (removed) this.#models.delete(name);
        else this.#models.set(name, fromBinary(ModelSpecSchema, entry.value));
      } else if (kind === 'routes') {
        if (removed) this.#routes.delete(name);
        else this.#routes.set(name, fromBinary(RouteSpecSchema, entry.value));
      }
    } catch (error) {
      // A value we cannot decode must not stop the watch: the rest of the registry stays usable.
      this.logger.error({ err: error, key: entry.key }, 'ignoring undecodable registry entry');
      return;
    }
    for (const listener of this.#listeners) listener(entry.key);
  }
}

function splitKey(key: string): [string, string | undefined] {
  const dot = key.indexOf('.');
  return dot < 0 ? [key, undefined] : [key.slice(0, dot), key.slice(dot + 1)];
}
