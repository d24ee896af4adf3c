import { Kvm } from '@nats-io/kv';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { SubjectNames } from '@switchboard/nats';

/**
 * The `registry` KV bucket mirrors the registry's Postgres tables so routers and workers read models,
 * routes and tenants without calling the registry: `models.<name>` holds a binary ModelSpec,
 * `routes.<name>` a binary RouteSpec and `tenants.<api key hash>` a binary TenantSpec without its key.
 */
export function modelKey(name: string): string {
  return `models.${name}`;
}

/** The KV key of a route; see {@link modelKey}. */
export function routeKey(name: string): string {
  return `routes.${name}`;
}

/**
 * The KV key of a tenant: its API key's hash (see `hashApiKey`), so a router finds the tenant of a
 * request by one lookup and the key itself is stored nowhere.
 */
export function tenantKey(apiKeyHash: string): string {
  return `tenants.${apiKeyHash}`;
}

/** What a registry bucket key names; see {@link parseRegistryKey}. */
export interface RegistryKey {
  kind: 'model' | 'route' | 'tenant';
  /** The model or route name, or the tenant's API key hash: everything after the first dot. */
  name: string;
}

const KIND_BY_PREFIX: ReadonlyMap<string, RegistryKey['kind']> = new Map([
  ['models', 'model'],
  ['routes', 'route'],
  ['tenants', 'tenant'],
]);

/**
 * Reads a key of the registry bucket back into what it names: `models.<name>` ({@link modelKey}),
 * `routes.<name>` ({@link routeKey}) or `tenants.<api key hash>` ({@link tenantKey}). Undefined for
 * any other key, including one without a dot.
 */
export function parseRegistryKey(key: string): RegistryKey | undefined {
  const dot = key.indexOf('.');
  const kind = dot < 0 ? undefined : KIND_BY_PREFIX.get(key.slice(0, dot));
  return kind === undefined ? undefined : { kind, name: key.slice(dot + 1) };
}

/** Opens the registry bucket, creating it if needed on `replicas` servers (`NATS_STREAM_REPLICAS`). */
export async function openRegistryBucket(
  connection: NatsConnection,
  names: SubjectNames,
  options: { replicas?: number } = {},
): Promise<KV> {
  return new Kvm(connection).create(names.registryBucket, { history: 1, replicas: options.replicas ?? 1 });
}
