import { fromBinary } from '@bufbuild/protobuf';
import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import { ModelSpecSchema, RouteSpecSchema, TenantSpecSchema } from '@switchboard/protocol';
import type { ModelSpec, RouteSpec, TenantSpec } from '@switchboard/protocol';
import { parseRegistryKey } from './registry-bucket.js';

/** Called after every applied change with the key that changed. */
export type SnapshotListener = (key: string) => void;

/**
 * A live, in-memory copy of the registry bucket (models, routes and tenants): reads are synchronous map lookups on the request
 * path, and a KV watch applies every change as it happens, so a model registered a moment ago is
 * served without any restart.
 */
export class RegistrySnapshot {
  readonly #models = new Map<string, ModelSpec>();
  readonly #routes = new Map<string, RouteSpec>();
  /** Tenants by the SHA-256 hex of their API key. */
  readonly #tenants = new Map<string, TenantSpec>();
  /** Keys per tenant name: a tenant may hold several API keys, each its own entry. */
  readonly #tenantKeyCounts = new Map<string, number>();
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

  /** The model named `name`, or undefined when the registry has none. */
  getModel(name: string): ModelSpec | undefined {
    return this.#models.get(name);
  }

  /** The route named `name`, or undefined when the registry has none. */
  getRoute(name: string): RouteSpec | undefined {
    return this.#routes.get(name);
  }

  /** Every model, in no particular order. */
  listModels(): ModelSpec[] {
    return [...this.#models.values()];
  }

  /** Every route, in no particular order. */
  listRoutes(): RouteSpec[] {
    return [...this.#routes.values()];
  }

  /**
   * The tenant whose API key hashes to `apiKeyHash` (see `hashApiKey`), or undefined when no tenant
   * has that key. The spec carries name, tier and update time, never the key.
   */
  findTenant(apiKeyHash: string): TenantSpec | undefined {
    return this.#tenants.get(apiKeyHash);
  }

  /** Whether a tenant named `name` holds at least one API key. */
  hasTenant(name: string): boolean {
    return this.#tenantKeyCounts.has(name);
  }

  /** Registers a listener for applied changes; returns a function that removes it. */
  onChange(listener: SnapshotListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #apply(entry: KvWatchEntry): void {
    const key = parseRegistryKey(entry.key);
    const removed = entry.operation !== 'PUT';
    try {
      if (key?.kind === 'model') {
        if (removed) this.#models.delete(key.name);
        else this.#models.set(key.name, fromBinary(ModelSpecSchema, entry.value));
      } else if (key?.kind === 'route') {
        if (removed) this.#routes.delete(key.name);
        else this.#routes.set(key.name, fromBinary(RouteSpecSchema, entry.value));
      } else if (key?.kind === 'tenant') {
        this.#applyTenant(key.name, removed ? undefined : fromBinary(TenantSpecSchema, entry.value));
      }
    } catch (error) {
      // A value we cannot decode must not stop the watch: the rest of the registry stays usable.
      this.logger.error({ err: error, key: entry.key }, 'ignoring undecodable registry entry');
      return;
    }
    for (const listener of this.#listeners) listener(entry.key);
  }

  /** Puts (or, with no spec, removes) the tenant entry of one API key hash, keeping the name counts. */
  #applyTenant(apiKeyHash: string, spec: TenantSpec | undefined): void {
    const previous = this.#tenants.get(apiKeyHash);
    if (previous !== undefined) {
      const left = (this.#tenantKeyCounts.get(previous.name) ?? 1) - 1;
      if (left === 0) this.#tenantKeyCounts.delete(previous.name);
      else this.#tenantKeyCounts.set(previous.name, left);
    }
    if (spec === undefined) {
      this.#tenants.delete(apiKeyHash);
      return;
    }
    this.#tenants.set(apiKeyHash, spec);
    this.#tenantKeyCounts.set(spec.name, (this.#tenantKeyCounts.get(spec.name) ?? 0) + 1);
  }
}
