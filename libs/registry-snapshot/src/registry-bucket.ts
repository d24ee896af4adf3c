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

/** Opens the registry bucket, creating it if needed. */
export async function openRegistryBucket(connection: NatsConnection, names: SubjectNames): Promise<KV> {
  return new Kvm(connection).create(names.registryBucket, { history: 1 });
}
