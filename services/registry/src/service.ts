import type { NatsConnection } from '@nats-io/transport-node';
import { requireAdminToken, serve, startGrpcServer } from '@switchboard/grpc';
import type { RunningGrpcServer } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import { createMetricsRegistry, startMetricsServer } from '@switchboard/metrics';
import type { RunningMetricsServer } from '@switchboard/metrics';
import { runMigrations } from '@switchboard/migrations';
import { connectNats, createSubjectNames } from '@switchboard/nats';
import { RegistryService } from '@switchboard/protocol';
import { openRegistryBucket } from '@switchboard/registry-snapshot';
import type { RegistryConfig } from './config.js';
import { createRegistryHandlers } from './grpc-server.js';
import { openDatabase } from './open-database.js';
import type { Database } from './open-database.js';
import { RegistryMirror } from './registry-mirror.js';
import { createRegistryMetrics } from './registry-metrics.js';
import { REGISTRY_MIGRATIONS } from './migration-set.js';

/**
 * Calls that stay open when admin auth is on: the model and route reads, which hold no secrets and
 * which tools and dashboards use to look around. Every write, and the tenant list, needs the token.
 */
const OPEN_METHODS = ['getModel', 'listModels', 'getRoute', 'listRoutes'];

/** A started registry. */
export interface RunningRegistry {
  /** The port the admin gRPC API listens on (the bound one when the config asked for 0). */
  readonly port: number;
  /** The bound port of the Prometheus /metrics endpoint. */
  readonly metricsPort: number;
  /**
   * Reports NOT_SERVING, stops the gRPC server (in-flight calls get up to 5 s), drains NATS and
   * closes Postgres. Idempotent: later calls return the first call's promise.
   */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;
const POSTGRES_CLOSE_TIMEOUT_SECONDS = 5;

/** What start() has opened so far, so a failed start can close exactly that. */
interface Resources {
  database?: Database;
  connection?: NatsConnection;
  server?: RunningGrpcServer;
  metrics?: RunningMetricsServer;
}

/**
 * Starts the registry: applies migrations, connects NATS, rebuilds the `registry` KV bucket from
 * Postgres, then serves the admin gRPC API and reports SERVING.
 * @throws when Postgres or NATS is unreachable, a migration fails or the port is taken; whatever
 * had been opened is closed first.
 */
export async function start(config: RegistryConfig, logger: Logger): Promise<RunningRegistry> {
  const resources: Resources = {};
  try {
    return await startWith(config, logger, resources);
  } catch (error) {
    await closeResources(resources);
    throw error;
  }
}

async function startWith(
  config: RegistryConfig,
  logger: Logger,
  resources: Resources,
): Promise<RunningRegistry> {
  if (config.applyMigrations) {
    await runMigrations({
      ...config.migrations,
      ...REGISTRY_MIGRATIONS,
      logger: logger.child({ component: 'migrations' }),
    });
  }
  const database = openDatabase(config.databaseUrl, logger.child({ component: 'postgres' }));
  resources.database = database;
  const names = createSubjectNames(config.namespace);
  const connection = await connectNats({ ...config.nats, name: 'registry', logger });
  resources.connection = connection;
  const bucket = await openRegistryBucket(connection, names, { replicas: config.natsStreamReplicas });
  const mirror = new RegistryMirror({
    database,
    bucket,
    connection,
    names,
    logger: logger.child({ component: 'mirror' }),
  });
  await mirror.reconcile();
  const metricsRegistry = createMetricsRegistry('registry');
  const metrics = createRegistryMetrics(metricsRegistry, database, logger.child({ component: 'metrics' }));
  const handlers = createRegistryHandlers({ database, mirror, logger: logger.child({ component: 'grpc' }) });
  const guarded = requireAdminToken(RegistryService, handlers, {
    token: config.adminToken,
    openMethods: OPEN_METHODS,
  });
  const server = await startGrpcServer({
    host: config.host,
    port: config.port,
    services: [serve(RegistryService, metrics.countCalls(RegistryService, guarded))],
    logger,
    tls: config.grpcTls.server,
    healthPort: config.grpcTls.healthPort,
  });
  resources.server = server;
  resources.metrics = await startMetricsServer({
    host: config.metricsHost,
    port: config.metricsPort,
    registry: metricsRegistry,
    logger,
  });
  server.setServing(true);
  logger.info(
    {
      port: server.port,
      metricsPort: resources.metrics.port,
      namespace: config.namespace,
      tls: config.grpcTls.server !== undefined,
      adminAuth: config.adminToken !== undefined,
    },
    'registry serving',
  );
  let stopping: Promise<void> | undefined;
  return {
    port: server.port,
    metricsPort: resources.metrics.port,
    stop() {
      stopping ??= closeResources(resources).then(() => logger.info('registry stopped'));
      return stopping;
    },
  };
}

/** Closes in dependency order: no new calls, then NATS (drained so queued publishes go out), then Postgres. */
async function closeResources(resources: Resources): Promise<void> {
  resources.server?.setServing(false);
  await resources.server?.stop(STOP_GRACE_MS);
  if (resources.connection !== undefined && !resources.connection.isClosed())
    await resources.connection.drain();
  // Before Postgres closes: the model and route gauges are counted there at scrape time.
  await resources.metrics?.stop();
  await resources.database?.end({ timeout: POSTGRES_CLOSE_TIMEOUT_SECONDS });
}
