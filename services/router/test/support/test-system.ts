import { connect } from '@nats-io/transport-node';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createLogger } from '@switchboard/logging';
import type { Logger } from '@switchboard/logging';
import { createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { loadConfig as loadMonitorConfig, start as startMonitor } from '@switchboard/monitor';
import type { RunningMonitor } from '@switchboard/monitor';
import { RegistryService } from '@switchboard/protocol';
import { loadConfig as loadRegistryConfig, start as startRegistry } from '@switchboard/registry';
import type { RunningRegistry } from '@switchboard/registry';
import {
  createTestDatabase,
  createTestNamespace,
  serviceTestEnvironment,
  testInfrastructure,
  waitFor,
} from '@switchboard/testkit';
import type { TestDatabase } from '@switchboard/testkit';
import { loadConfig as loadWorkerConfig, startWorker } from '@switchboard/worker';
import type { RunningWorker } from '@switchboard/worker';
import { loadConfig as loadRouterConfig, startRouter } from '../../src/index.js';
import type { RunningRouter } from '../../src/index.js';
import { createOipClient } from './oip-client.js';
import type { OipClient } from './oip-client.js';

/** Registry, router and workers in one namespace and database, as a client and an operator see them. */
export interface TestSystem {
  readonly names: SubjectNames;
  readonly environment: Record<string, string>;
  readonly registry: GrpcClient<typeof RegistryService>;
  readonly oip: OipClient;
  readonly routerAddress: string;
  /** `http://127.0.0.1:<port>` of the router's KServe v2 HTTP/REST door. */
  readonly httpUrl: string;
  /** Bound /metrics ports of the registry and the router (workers: RunningWorker.metricsPort). */
  readonly metricsPorts: { readonly registry: number; readonly router: number };
  /** Starts an in-process worker serving `models`; it is stopped with the system. */
  startWorker(models: string[], environment?: Record<string, string>): Promise<RunningWorker>;
  /** Starts an in-process monitor (load snapshots on monitor.load); it is stopped with the system. */
  startMonitor(): Promise<void>;
  /**
   * Resolves once a live worker has announced `model` as loaded. With ROUTER_AUTH=required, pass a
   * tenant's key as `metadata`: ModelReady needs one like ModelInfer.
   */
  waitUntilReady(model: string, metadata?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

const defaultLogger = createLogger({
  service: 'test',
  level: process.env.TEST_LOG_LEVEL === undefined ? 'silent' : 'debug',
});

/** Starts a whole Switchboard (minus the clients) on the test run's NATS and a fresh database. */
export async function startTestSystem(
  label: string,
  routerEnvironment: Record<string, string> = {},
  /** Where every service logs; a test that reads log lines passes one with an in-memory destination. */
  logger: Logger = defaultLogger,
): Promise<TestSystem> {
  const infrastructure = testInfrastructure();
  const namespace = createTestNamespace(label);
  const database: TestDatabase = await createTestDatabase(infrastructure.databaseUrl);
  const environment = serviceTestEnvironment({
    natsUrl: infrastructure.natsUrl,
    databaseUrl: database.url,
    namespace,
  });
  const registry: RunningRegistry = await startRegistry(
    loadRegistryConfig({ ...environment, REGISTRY_HOST: '127.0.0.1', REGISTRY_PORT: '0' }),
    logger.child({ service: 'registry' }),
  );
  const router: RunningRouter = await startRouter(
    loadRouterConfig({ ...environment, ROUTER_HOST: '127.0.0.1', ROUTER_PORT: '0', ...routerEnvironment }),
    logger.child({ service: 'router' }),
  );
  const registryClient = createGrpcClient(RegistryService, `127.0.0.1:${registry.port}`);
  const routerAddress = `127.0.0.1:${router.port}`;
  const oip = createOipClient(routerAddress);
  const workers: RunningWorker[] = [];
  let monitor: RunningMonitor | undefined;

  return {
    names: createSubjectNames(namespace),
    environment,
    registry: registryClient,
    oip,
    routerAddress,
    httpUrl: `http://127.0.0.1:${router.httpPort ?? 0}`,
    metricsPorts: { registry: registry.metricsPort, router: router.metricsPort },
    async startWorker(models, workerEnvironment = {}) {
      const config = loadWorkerConfig({
        ...environment,
        WORKER_MODELS: models.join(','),
        WORKER_HEARTBEAT_INTERVAL: '200ms',
        ...workerEnvironment,
      });
      const worker = await startWorker(config, logger.child({ service: 'worker' }));
      workers.push(worker);
      return worker;
    },
    async startMonitor() {
      monitor = await startMonitor(
        loadMonitorConfig({ ...environment, MONITOR_HOST: '127.0.0.1', MONITOR_PORT: '0' }),
        logger.child({ service: 'monitor' }),
      );
    },
    async waitUntilReady(model, metadata) {
      await waitFor(
        async () =>
          ((await oip.call('ModelReady', { name: model }, { metadata })) as { ready: boolean }).ready,
        { timeoutMs: 15_000, message: `model ${model} never became ready` },
      );
    },
    async stop() {
      oip.close();
      registryClient.close();
      await Promise.all(workers.map((worker) => worker.stop()));
      await router.stop();
      await monitor?.stop();
      await registry.stop();
      await deleteTestStreams(infrastructure.natsUrl, namespace);
      await database.drop();
    },
  };
}

/** Leaves the shared test NATS as it was: every stream and bucket the system made in `namespace`. */
async function deleteTestStreams(natsUrl: string, namespace: string): Promise<void> {
  const connection = await connect({ servers: natsUrl, name: 'test-cleanup' });
  await deleteNamespaceStreams(connection, namespace);
  await connection.close();
}
