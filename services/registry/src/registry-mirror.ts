import { create, toBinary } from '@bufbuild/protobuf';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';
import {
  ModelSpecSchema,
  RegistryChangeKind,
  RegistryChangeSchema,
  RouteSpecSchema,
} from '@switchboard/protocol';
import { modelKey, routeKey } from '@switchboard/registry-snapshot';
import { findModel, listModels } from './model-store.js';
import type { Queryable } from './open-database.js';
import { findRoute, listRoutes } from './route-store.js';

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

/** One KV entry as Postgres says it should be. */
interface ExpectedEntry {
  kind: RegistryChangeKind;
  name: string;
  value: Uint8Array;
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
      const value = model === undefined ? undefined : toBinary(ModelSpecSchema, model);
      await this.#write({ kind: RegistryChangeKind.MODEL, name }, modelKey(name), value);
    });
  }

  /** Writes the route's committed state, or its absence, to KV and announces it. */
  syncRoute(name: string): Promise<void> {
    return this.#enqueue(async () => {
      const route = await findRoute(this.options.database, name);
      const value = route === undefined ? undefined : toBinary(RouteSpecSchema, route);
      await this.#write({ kind: RegistryChangeKind.ROUTE, name }, routeKey(name), value);
    });
  }

  /**
   * Makes the bucket equal to Postgres: writes every model and route whose entry is missing or
   * different and deletes every key Postgres has no row for. Unchanged entries are left alone so
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
    const expected = await this.#readExpected();
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
      await this.#write({ kind: kindOfKey(key), name: key.slice(key.indexOf('.') + 1) }, key, undefined);
      result.deleted += 1;
    }
    this.#stale = false;
    this.options.logger.info(result, 'registry bucket reconciled with Postgres');
    return result;
  }

  async #readExpected(): Promise<Map<string, ExpectedEntry>> {
    const [models, routes] = await Promise.all([
      listModels(this.options.database),
      listRoutes(this.options.database),
    ]);
    const expected = new Map<string, ExpectedEntry>();
    for (const model of models) {
      const value = toBinary(ModelSpecSchema, model);
      expected.set(modelKey(model.name), { kind: RegistryChangeKind.MODEL, name: model.name, value });
    }
    for (const route of routes) {
      const value = toBinary(RouteSpecSchema, route);
      expected.set(routeKey(route.name), { kind: RegistryChangeKind.ROUTE, name: route.name, value });
    }
    return expected;
  }

  /** Puts (value given) or deletes (undefined) one key, then publishes the RegistryChange. */
  async #write(
    change: { kind: RegistryChangeKind; name: string },
    key: string,
    value: Uint8Array | undefined,
  ): Promise<void> {
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

function kindOfKey(key: string): RegistryChangeKind {
  if (key.startsWith('models.')) return RegistryChangeKind.MODEL;
  if (key.startsWith('routes.')) return RegistryChangeKind.ROUTE;
  return RegistryChangeKind.UNSPECIFIED;
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}
