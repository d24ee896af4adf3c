import { connect } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { loadConfig as loadMonitorConfig, start as startMonitor } from '@switchboard/monitor';
import { deleteNamespaceStreams } from '@switchboard/nats';
import { loadConfig as loadOptimizerConfig, start as startOptimizer } from '@switchboard/optimizer';
import { loadConfig as loadRegistryConfig, start as startRegistry } from '@switchboard/registry';
import {
  loadConfig as loadResourceManagerConfig,
  start as startResourceManager,
} from '@switchboard/resource-manager';
import { loadConfig as loadRouterConfig, startRouter } from '@switchboard/router';
import {
  createTestDatabase,
  createTestNamespace,
  serviceTestEnvironment,
  testInfrastructure,
} from '@switchboard/testkit';
import { loadConfig as loadWorkerConfig, startWorker } from '@switchboard/worker';

/** A started service: where its /metrics listens and how to stop it. */
interface StartedService {
  readonly metricsPort: number;
  stop(): Promise<void>;
}

/** Every long-running service, running in this process on one namespace and database. */
export interface RunningServices {
  /** Each service's bound /metrics port, by service folder name. */
  readonly metricsPorts: Readonly<Record<string, number>>;
  /** Stops every service, then deletes the namespace's streams and the database. */
  stop(): Promise<void>;
}

const logger = createLogger({
  service: 'infra-test',
  level: process.env.TEST_LOG_LEVEL === undefined ? 'silent' : 'debug',
});
const LOCAL = '127.0.0.1';

/**
 * Starts registry, monitor, optimizer, router, worker and resource manager (with the `none` pool
 * driver: it starts no processes) in this process, each with its own config read by its own
 * loadConfig, gRPC and /metrics on free ports.
 */
export async function startEveryService(label: string): Promise<RunningServices> {
  const infrastructure = testInfrastructure();
  const namespace = createTestNamespace(label);
  const database = await createTestDatabase(infrastructure.databaseUrl, { label });
  const common = serviceTestEnvironment({
    natsUrl: infrastructure.natsUrl,
    databaseUrl: database.url,
    namespace,
  });
  const started: Array<[string, StartedService]> = [];
  const stop = async () => {
    for (const [, service] of started.reverse()) await service.stop();
    const connection = await connect({ servers: infrastructure.natsUrl });
    await deleteNamespaceStreams(connection, namespace);
    await connection.close();
    await database.drop();
  };
  try {
    const registry = await startRegistry(
      loadRegistryConfig({ ...common, REGISTRY_HOST: LOCAL, REGISTRY_PORT: '0' }),
      logger,
    );
    started.push(['registry', registry]);
    const gRpc = (prefix: string) => ({ [`${prefix}_HOST`]: LOCAL, [`${prefix}_PORT`]: '0' });
    started.push([
      'monitor',
      await startMonitor(loadMonitorConfig({ ...common, ...gRpc('MONITOR') }), logger),
    ]);
    started.push([
      'optimizer',
      await startOptimizer(
        loadOptimizerConfig({
          ...common,
          ...gRpc('OPTIMIZER'),
          REGISTRY_ADDRESS: `${LOCAL}:${registry.port}`,
        }),
        logger,
      ),
    ]);
    started.push(['router', await startRouter(loadRouterConfig({ ...common, ...gRpc('ROUTER') }), logger)]);
    started.push(['worker', await startWorker(loadWorkerConfig(common), logger)]);
    started.push([
      'resource-manager',
      await startResourceManager(
        loadResourceManagerConfig({ ...common, ...gRpc('RESOURCE_MANAGER'), RM_DRIVER: 'none' }),
        logger,
      ),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    metricsPorts: Object.fromEntries(started.map(([name, service]) => [name, service.metricsPort])),
    stop,
  };
}
