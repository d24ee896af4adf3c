import { fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  ModelSpecSchema,
  RegistryChangeKind,
  RouteSpecSchema,
  TenantSpecSchema,
} from '@switchboard/protocol';
import type { ModelSpec, RouteSpec } from '@switchboard/protocol';
import { modelKey, parseRegistryKey, routeKey, tenantKey } from '@switchboard/registry-snapshot';
import { listModels } from './model-store.js';
import type { Queryable } from './open-database.js';
import { listRoutes } from './route-store.js';
import { listTenants } from './tenant-store.js';
import type { StoredTenant } from './tenant-store.js';

/** What a change of one KV entry is announced as on registry.changed. */
export interface RegistryChangeSubject {
  kind: RegistryChangeKind;
  /** The model, route or tenant name (never a tenant's key or key hash). */
  name: string;
}

/** One KV entry as Postgres says it should be. */
export interface RegistryEntry extends RegistryChangeSubject {
  key: string;
  value: Uint8Array;
}

/** The entry of a model: `models.<name>` → binary ModelSpec. */
export function toModelEntry(model: ModelSpec): RegistryEntry {
  const value = toBinary(ModelSpecSchema, model);
  return { kind: RegistryChangeKind.MODEL, name: model.name, key: modelKey(model.name), value };
}

/** The entry of a route: `routes.<name>` → binary RouteSpec. */
export function toRouteEntry(route: RouteSpec): RegistryEntry {
  const value = toBinary(RouteSpecSchema, route);
  return { kind: RegistryChangeKind.ROUTE, name: route.name, key: routeKey(route.name), value };
}

/**
 * The entry of a tenant: `tenants.<sha256 of its key>` → binary TenantSpec with name, tier and
 * update time. The spec has no key to leave out: the store never reads one back.
 */
export function toTenantEntry({ tenant, apiKeyHash }: StoredTenant): RegistryEntry {
  const value = toBinary(TenantSpecSchema, tenant);
  return { kind: RegistryChangeKind.TENANT, name: tenant.name, key: tenantKey(apiKeyHash), value };
}

/** Every entry the bucket should hold, by key, read from Postgres. */
export async function readExpectedEntries(database: Queryable): Promise<Map<string, RegistryEntry>> {
  const [models, routes, tenants] = await Promise.all([
    listModels(database),
    listRoutes(database),
    listTenants(database),
  ]);
  const entries = [...models.map(toModelEntry), ...routes.map(toRouteEntry), ...tenants.map(toTenantEntry)];
  return new Map(entries.map((entry) => [entry.key, entry]));
}

/**
 * What deleting a stale key is announced as. Model and route keys end in the name; a tenant key
 * ends in a key hash, so its name is read from the value the bucket still holds (empty when that
 * cannot be decoded).
 */
export function describeStaleKey(key: string, value: Uint8Array | undefined): RegistryChangeSubject {
  const parsed = parseRegistryKey(key);
  if (parsed?.kind === 'model') return { kind: RegistryChangeKind.MODEL, name: parsed.name };
  if (parsed?.kind === 'route') return { kind: RegistryChangeKind.ROUTE, name: parsed.name };
  if (parsed?.kind === 'tenant') return { kind: RegistryChangeKind.TENANT, name: tenantNameOf(value) };
  return { kind: RegistryChangeKind.UNSPECIFIED, name: key };
}

function tenantNameOf(value: Uint8Array | undefined): string {
  if (value === undefined) return '';
  try {
    return fromBinary(TenantSpecSchema, value).name;
  } catch {
    // A value someone else wrote under a tenant key: it goes anyway; the announcement just has no name.
    return '';
  }
}
