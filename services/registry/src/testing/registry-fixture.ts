import { fromBinary } from '@bufbuild/protobuf';
import type { KV } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { adminMetadata, createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createLogger } from '@switchboard/logging';
import type { Logger } from '@switchboard/logging';
import { createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import {
  ModelSpecSchema,
  RegistryChangeSchema,
  RegistryService,
  RouteSpecSchema,
  TenantSpecSchema,
} from '@switchboard/protocol';
import type { ModelSpec, RegistryChange, RouteSpec, TenantSpec } from '@switchboard/protocol';
import { modelKey, openRegistryBucket, routeKey, tenantKey } from '@switchboard/registry-snapshot';
import { createTestDatabase, createTestNamespace, testInfrastructure } from '@switchboard/testkit';
import { loadConfig } from '../config.js';
import type { RegistryConfig } from '../config.js';
import { start } from '../service.js';
import type { RunningRegistry } from '../service.js';

/** A registry on its own namespace and database, with a client and an observer of what it publishes. */
export interface RegistryFixture {
  readonly config: RegistryConfig;
  readonly client: GrpcClient<typeof RegistryService>;
  readonly names: SubjectNames;
  /** The observer's own connection, e.g. for a RegistrySnapshot. */
  readonly connection: NatsConnection;
  readonly bucket: KV;
  /** Every RegistryChange received so far, in arrival order. */
  readonly events: RegistryChange[];
  readonly logger: Logger;
  readonly registry: RunningRegistry;
  /** The model in the bucket, or undefined when its key is absent or deleted. */
  modelInBucket(name: string): Promise<ModelSpec | undefined>;
  routeInBucket(name: string): Promise<RouteSpec | undefined>;
  /** The tenant stored under `tenants.<apiKeyHash>`, or undefined when that key is absent or deleted. */
  tenantInBucket(apiKeyHash: string): Promise<TenantSpec | undefined>;
  /** Stops the registry and starts a new one on the same database and namespace. */
  restart(whileStopped?: () => Promise<void>): Promise<void>;
  /** Stops everything and removes the database and the bucket. */
  close(): Promise<void>;
}

/**
 * The config of a test registry: the test run's NATS, `databaseUrl`, gRPC and /metrics on free
 * ports, plus `extra` variables (e.g. SWITCHBOARD_ADMIN_TOKEN, GRPC_TLS_*).
 */
export function testRegistryConfig(
  databaseUrl: string,
  namespace: string,
  extra: Record<string, string> = {},
): RegistryConfig {
  return loadConfig({
    ...extra,
    NATS_URL: testInfrastructure().natsUrl,
    DATABASE_URL: databaseUrl,
    SWITCHBOARD_NAMESPACE: namespace,
    REGISTRY_HOST: '127.0.0.1',
    REGISTRY_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
  });
}

/**
 * Starts a registry for one test file on the test run's NATS and Postgres (see
 * `@switchboard/testkit`): its own namespace (`label` plus a random suffix) and database, gRPC and
 * /metrics on free ports, logging nothing.
 * @throws Error when the test infrastructure is missing or the registry does not start.
 */
export async function startRegistryFixture(
  label: string,
  /** Variables added to the registry's config, e.g. SWITCHBOARD_ADMIN_TOKEN. */
  extra: Record<string, string> = {},
): Promise<RegistryFixture> {
  const infrastructure = testInfrastructure();
  const database = await createTestDatabase(infrastructure.databaseUrl, { label });
  const namespace = createTestNamespace(label);
  const config = testRegistryConfig(database.url, namespace, extra);
  const logger = createLogger({ service: 'registry', level: 'silent' });
  const names = createSubjectNames(namespace);
  const connection = await connect({ servers: infrastructure.natsUrl });
  const events: RegistryChange[] = [];
  const subscription = collectEvents(connection, names, events);
  let registry = await start(config, logger);
  const clientOptions = { metadata: adminMetadata(config.adminToken) };
  let client = createGrpcClient(RegistryService, `127.0.0.1:${registry.port}`, clientOptions);
  const bucket = await openRegistryBucket(connection, names);
  const readEntry = async (key: string) => {
    const entry = await bucket.get(key);
    return entry?.operation === 'PUT' ? entry.value : undefined;
  };
  return {
    config,
    names,
    connection,
    bucket,
    events,
    logger,
    get client() {
      return client;
    },
    get registry() {
      return registry;
    },
    async modelInBucket(name) {
      const value = await readEntry(modelKey(name));
      return value === undefined ? undefined : fromBinary(ModelSpecSchema, value);
    },
    async routeInBucket(name) {
      const value = await readEntry(routeKey(name));
      return value === undefined ? undefined : fromBinary(RouteSpecSchema, value);
    },
    async tenantInBucket(apiKeyHash) {
      const value = await readEntry(tenantKey(apiKeyHash));
      return value === undefined ? undefined : fromBinary(TenantSpecSchema, value);
    },
    async restart(whileStopped) {
      client.close();
      await registry.stop();
      await whileStopped?.();
      registry = await start(config, logger);
      client = createGrpcClient(RegistryService, `127.0.0.1:${registry.port}`, clientOptions);
    },
    async close() {
      client.close();
      await registry.stop();
      subscription.unsubscribe();
      // The bucket and whatever streams other services started in this namespace (workers, routers).
      await deleteNamespaceStreams(connection, namespace);
      await connection.close();
      await database.drop();
    },
  };
}

function collectEvents(
  connection: NatsConnection,
  names: SubjectNames,
  events: RegistryChange[],
): Subscription {
  return connection.subscribe(names.registryChangedSubject, {
    callback: (error, message) => {
      if (error === null) events.push(fromBinary(RegistryChangeSchema, message.data));
    },
  });
}
