import { create, toBinary } from '@bufbuild/protobuf';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';
import { RegistryChangeKind, RegistryChangeSchema } from '@switchboard/protocol';
import { modelKey, routeKey, tenantKey } from '@switchboard/registry-snapshot';
import { findModel } from './model-store.js';
import type { Queryable } from './open-database.js';
import {
  describeStaleKey,
  readExpectedEntries,
  toModelEntry,
  toRouteEntry,
  toTenantEntry,
} from './registry-entries.js';
import type { RegistryChangeSubject } from './registry-entries.js';
import { findRoute } from './route-store.js';
import { findTenant, findTenantByKeyHash } from './tenant-store.js';

/** What the mirror needs: Postgres to read the truth from, NATS to write the copy to. */
export interface RegistryMirrorOptions {
  database: Queryable;
  bucket: KV;
  connection: NatsConnection;
  names: SubjectNames;
  logger: Logger;
}

/** How many KV entries a reconciliation wrote and deleted. */
export interface ReconcileResult {
  written: number;
  deleted: number;
}

/**
 * Keeps the `registry` KV bucket a copy of Postgres and announces every change on
 * `registry.changed`. Each sync re-reads the committed row instead of taking the value from the
 * caller, and syncs run one at a time, so whichever runs last writes the latest committed state even
 * when two updates of one model race. A failed sync marks the copy stale; the next sync first
 * reconciles the whole bucket, so one NATS outage cannot leave a key wrong until the next restart.
 */
export class RegistryMirror {
  #queue: Promise<unknown> = Promise.resolve();
  #stale = false;

  constructor(private readonly options: RegistryMirrorOptions) {}

  /** Writes the model's committed state, or its absence, to KV and announces it. */
  syncModel(name: string): Promise<void> {
    return this.#enqueue(async () => {
      const model = await findModel(this.options.database, name);
      const value = model === undefined ? undefined : toModelEntry(model).value;
      await this.#write({ kind: RegistryChangeKind.MODEL, name }, modelKey(name), value);
    });
  }

  /** Writes the route's committed state, or its absence, to KV and announces it. */
  syncRoute(name: string): Promise<void> {
    return this.#enqueue(async () => {
      const route = await findRoute(this.options.database, name);
      const value = route === undefined ? undefined : toRouteEntry(route).value;
      await this.#write({ kind: RegistryChangeKind.ROUTE, name }, routeKey(name), value);
    });
  }

  /**
   * Writes the tenant's committed state to KV under its key's hash and announces it. The entries
   * under `staleApiKeyHashes` (its previous key, or the key of a deleted tenant) are deleted first,
   * unless Postgres says another tenant has taken that key since, in which case that tenant is
   * written there; so the last announcement for the name tells its final state.
   */
  syncTenant(name: string, staleApiKeyHashes: readonly string[]): Promise<void> {
    return this.#enqueue(async () => {
      const current = await findTenant(this.options.database, name);
      for (const apiKeyHash of staleApiKeyHashes) {
        if (apiKeyHash === current?.apiKeyHash) continue;
        const owner = await findTenantByKeyHash(this.options.database, apiKeyHash);
        const entry = owner === undefined ? undefined : toTenantEntry(owner);
        const subject = { kind: RegistryChangeKind.TENANT, name: entry?.name ?? name };
        await this.#write(subject, tenantKey(apiKeyHash), entry?.value);
      }
      if (current !== undefined) {
        const entry = toTenantEntry(current);
        await this.#write(entry, entry.key, entry.value);
      }
    });
  }

  /**
   * Makes the bucket equal to Postgres: writes every model, route and tenant whose entry is missing
   * or different and deletes every key Postgres has no row for. Unchanged entries are left alone so
   * watchers see no spurious updates.
   */
  reconcile(): Promise<ReconcileResult> {
    return this.#enqueue(() => this.#reconcileNow());
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      if (this.#stale) await this.#reconcileNow();
      try {
        return await task();
      } catch (error) {
        this.#stale = true;
        throw error;
      }
    });
    // The caller of `run` receives its failure; the queue itself must keep going.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #reconcileNow(): Promise<ReconcileResult> {
    const expected = await readExpectedEntries(this.options.database);
    const result: ReconcileResult = { written: 0, deleted: 0 };
    for (const [key, entry] of expected) {
      const current = await this.options.bucket.get(key);
      if (current?.operation === 'PUT' && sameBytes(current.value, entry.value)) continue;
      await this.#write(entry, key, entry.value);
      result.written += 1;
    }
    // Collected first: deleting while the key listing is still running would extend it.
    const keys: string[] = [];
    for await (const key of await this.options.bucket.keys()) keys.push(key);
    for (const key of keys) {
      if (expected.has(key)) continue;
      const stale = await this.options.bucket.get(key);
      const value = stale?.operation === 'PUT' ? stale.value : undefined;
      await this.#write(describeStaleKey(key, value), key, undefined);
      result.deleted += 1;
    }
    this.#stale = false;
    this.options.logger.info(result, 'registry bucket reconciled with Postgres');
    return result;
  }

  /** Puts (value given) or deletes (undefined) one key, then publishes the RegistryChange. */
  async #write(change: RegistryChangeSubject, key: string, value: Uint8Array | undefined): Promise<void> {
    if (value === undefined) await this.options.bucket.delete(key);
    else await this.options.bucket.put(key, value);
    const event = create(RegistryChangeSchema, {
      kind: change.kind,
      name: change.name,
      deleted: value === undefined,
      atUnixMs: BigInt(Date.now()),
    });
    this.options.connection.publish(
      this.options.names.registryChangedSubject,
      toBinary(RegistryChangeSchema, event),
    );
    this.options.logger.debug({ key, deleted: value === undefined }, 'registry entry mirrored');
  }
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}
