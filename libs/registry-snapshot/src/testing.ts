import { create, toBinary } from '@bufbuild/protobuf';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { SubjectNames } from '@switchboard/nats';
import { ModelSpecSchema, RouteSpecSchema, TenantSpecSchema } from '@switchboard/protocol';
import { hashApiKey } from './hash-api-key.js';
import { modelKey, openRegistryBucket, routeKey, tenantKey } from './registry-bucket.js';

/** Names to put in a registry bucket, as the registry would after registering them. */
export interface RegisteredNames {
  /** Synthetic models; each serves versions "1" up to `versions` (default 1), the last being current. */
  readonly models: readonly (string | { readonly name: string; readonly versions: number })[];
  /** Routes, without candidates. */
  readonly routes?: readonly string[];
  /** Tenants of tier `standard`, each with the API key `<name>-test-key`. */
  readonly tenants?: readonly string[];
}

/**
 * Writes models, routes and tenants into a namespace's registry bucket without a registry service,
 * for tests of readers that count only names the registry knows (the monitor). Returns the bucket.
 */
export async function registerNamesInBucket(
  connection: NatsConnection,
  names: SubjectNames,
  registered: RegisteredNames,
): Promise<KV> {
  const bucket = await openRegistryBucket(connection, names);
  for (const model of registered.models) {
    const { name, versions } = typeof model === 'string' ? { name: model, versions: 1 } : model;
    const listed = Array.from({ length: versions }, (_, index) => String(index + 1));
    const spec = create(ModelSpecSchema, {
      name,
      runtime: 'synthetic',
      version: String(versions),
      versions: listed,
    });
    await bucket.put(modelKey(name), toBinary(ModelSpecSchema, spec));
  }
  for (const name of registered.routes ?? []) {
    await bucket.put(routeKey(name), toBinary(RouteSpecSchema, create(RouteSpecSchema, { name })));
  }
  for (const name of registered.tenants ?? []) {
    const spec = create(TenantSpecSchema, { name, tier: 'standard' });
    await bucket.put(tenantKey(hashApiKey(`${name}-test-key`)), toBinary(TenantSpecSchema, spec));
  }
  return bucket;
}
