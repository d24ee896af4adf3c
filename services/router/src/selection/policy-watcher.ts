import type { KvWatchEntry } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import type { PolicyAnnouncement } from '@switchboard/protocol';
import { parseRegistryKey } from '@switchboard/registry-snapshot';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { announcementFromBytes, readAnnouncedPolicy } from '@switchboard/routing-policy';
import type { PolicyStore } from '@switchboard/routing-policy';
import { applyPolicy } from './rank-by-learned-policy.js';
import type { AppliedPolicy, PolicySource } from './rank-by-learned-policy.js';

export interface PolicyWatcherOptions {
  /** KV `policy` and the object store of the weights (openPolicyStore). */
  store: PolicyStore;
  /** Only routes the registry knows get a policy; a route removed from it loses its policy. */
  snapshot: RegistrySnapshot;
  logger: Logger;
}

/**
 * Keeps the newest learned policy of every registered route: watches KV `policy`, loads each
 * announced version's weights from the object store and applies it — within a second of its
 * publication, since the watch delivers the announcement at once and a policy of a dozen models
 * loads in tens of milliseconds. Loads run one at a time in announcement order and a version never
 * replaces a newer one. A policy that cannot be applied (another featuriser, malformed or oversized
 * weights, an unreadable object) is logged once and skipped: the route keeps its previous policy.
 */
export class PolicyWatcher implements PolicySource {
  readonly #policies = new Map<string, AppliedPolicy>();
  /** Per route, the last version that could not be applied, so each is logged once. */
  readonly #refused = new Map<string, bigint>();
  #watcher: QueuedIterator<KvWatchEntry> | undefined;
  #watching: Promise<void> | undefined;
  #removeListener: (() => void) | undefined;
  /** The load queue: each announcement is applied after the one before it. */
  #loading: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(private readonly options: PolicyWatcherOptions) {}

  /** Starts watching and resolves once the policies announced before the start are applied. */
  async start(): Promise<void> {
    const { announcements } = this.options.store;
    const initialCount = (await announcements.status()).values;
    this.#removeListener = this.options.snapshot.onChange((key) => this.#onRegistryChange(key));
    this.#watcher = await announcements.watch({ key: '>' });
    let seen = 0;
    let markLoaded: () => void = () => {};
    const loaded = new Promise<void>((resolve) => (markLoaded = resolve));
    if (initialCount === 0) markLoaded();
    this.#watching = (async () => {
      for await (const entry of this.#watcher ?? []) {
        this.#enqueue(entry);
        seen += 1;
        if (seen >= initialCount || entry.delta === 0) void this.#loading.then(markLoaded);
      }
    })().catch((error: unknown) => this.options.logger.error({ err: error }, 'policy watch failed'));
    await loaded;
  }

  /** Stops watching and waits for a load in progress. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#removeListener?.();
    this.#watcher?.stop();
    await this.#watching;
    await this.#loading;
  }

  policyFor(route: string): AppliedPolicy | undefined {
    return this.#policies.get(route);
  }

  #enqueue(entry: KvWatchEntry): void {
    const route = entry.key;
    if (entry.operation !== 'PUT') {
      this.#drop(route, 'its announcement was deleted');
      return;
    }
    this.#loading = this.#loading.then(() => this.#load(route, entry.value));
  }

  /** A route removed from the registry loses its policy; one added may find one announced already. */
  #onRegistryChange(key: string): void {
    const parsed = parseRegistryKey(key);
    if (parsed?.kind !== 'route') return;
    if (this.options.snapshot.getRoute(parsed.name) === undefined) {
      this.#drop(parsed.name, 'the route was removed from the registry');
    } else if (!this.#policies.has(parsed.name)) {
      this.#loading = this.#loading.then(() => this.#reread(parsed.name));
    }
  }

  async #reread(route: string): Promise<void> {
    try {
      const entry = await this.options.store.announcements.get(route);
      if (entry !== null && entry.operation === 'PUT') await this.#load(route, entry.value);
    } catch (error) {
      this.options.logger.warn({ err: error, route }, 'could not read the policy announcement');
    }
  }

  #drop(route: string, why: string): void {
    this.#refused.delete(route);
    const dropped = this.#policies.get(route);
    if (dropped === undefined) return;
    this.#policies.delete(route);
    this.options.logger.info({ route, version: String(dropped.version), why }, 'learned policy dropped');
  }

  /** Loads and applies one announcement; never throws (it runs on the load queue). */
  async #load(route: string, value: Uint8Array): Promise<void> {
    if (this.#stopped || this.options.snapshot.getRoute(route) === undefined) return;
    let announcement: PolicyAnnouncement | undefined;
    try {
      announcement = announcementFromBytes(value);
      const current = this.#policies.get(route);
      if (current !== undefined && current.version >= announcement.version) return;
      if (this.#refused.get(route) === announcement.version) return;
      const policy = await readAnnouncedPolicy(this.options.store, announcement);
      // Gone: a newer version replaced it meanwhile, and its announcement is next in the queue.
      if (policy === undefined || this.options.snapshot.getRoute(route) === undefined) return;
      this.#policies.set(route, applyPolicy(policy));
      this.options.logger.info(
        { route, version: String(policy.version), models: policy.predictors.size },
        'learned policy applied',
      );
    } catch (error) {
      const version = announcement?.version ?? 0n;
      this.#refused.set(route, version);
      this.options.logger.warn(
        { err: error, route, version: String(version) },
        'learned policy not applied; the route keeps its previous one',
      );
    }
  }
}
