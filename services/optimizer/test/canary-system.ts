import { create } from '@bufbuild/protobuf';
import { connect } from '@nats-io/transport-node';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import { createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import {
  BatchingMode,
  FeedbackService,
  GRPCInferenceService,
  Modality,
  ModelSpecSchema,
  OptimizerService,
  RegistryService,
} from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { loadConfig as loadRegistryConfig, start as startRegistry } from '@switchboard/registry';
import { loadConfig as loadRouterConfig, startRouter } from '@switchboard/router';
import {
  createTestDatabase,
  createTestNamespace,
  serviceTestEnvironment,
  testInfrastructure,
} from '@switchboard/testkit';
import { loadConfig as loadWorkerConfig, startWorker } from '@switchboard/worker';
import type { RunningWorker } from '@switchboard/worker';
import { loadConfig as loadOptimizerConfig, start as startOptimizer } from '../src/index.js';

/** Registry, router, a worker and the optimizer on one namespace and database, with their clients. */
export interface CanarySystem {
  readonly names: SubjectNames;
  /** The database every service of the system shares, for reading rows back. */
  readonly databaseUrl: string;
  readonly registry: GrpcClient<typeof RegistryService>;
  readonly optimizer: GrpcClient<typeof OptimizerService>;
  readonly inference: GrpcClient<typeof GRPCInferenceService>;
  readonly feedback: GrpcClient<typeof FeedbackService>;
  /** The optimizer's /metrics port. */
  readonly optimizerMetricsPort: number;
  /** Starts a worker serving `models` (one delivery per job: a failure is answered at once). */
  startWorker(models: string[]): Promise<RunningWorker>;
  stop(): Promise<void>;
}

/**
 * Starts the whole path a canary's evidence takes: requests through the router to a worker's
 * synthetic models, request records and feedback on JetStream, the optimizer judging, and the
 * registry it applies verdicts to. The optimizer judges every 250 ms.
 */
export async function startCanarySystem(label: string, logger: Logger): Promise<CanarySystem> {
  const infrastructure = testInfrastructure();
  const namespace = createTestNamespace(label);
  const database = await createTestDatabase(infrastructure.databaseUrl, { label });
  const environment = serviceTestEnvironment({
    natsUrl: infrastructure.natsUrl,
    databaseUrl: database.url,
    namespace,
  });
  const registry = await startRegistry(
    loadRegistryConfig({ ...environment, REGISTRY_HOST: '127.0.0.1', REGISTRY_PORT: '0' }),
    logger.child({ service: 'registry' }),
  );
  const router = await startRouter(
    // A canary failing often must keep being tried, so that its failures are seen: no open circuit.
    loadRouterConfig({
      ...environment,
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PORT: '0',
      ROUTER_BREAKER_FAILURES: '1000000',
    }),
    logger.child({ service: 'router' }),
  );
  const optimizer = await startOptimizer(
    loadOptimizerConfig({
      ...environment,
      OPTIMIZER_HOST: '127.0.0.1',
      OPTIMIZER_PORT: '0',
      OPTIMIZER_CANARY_INTERVAL: '250ms',
      REGISTRY_ADDRESS: `127.0.0.1:${registry.port}`,
    }),
    logger.child({ service: 'optimizer' }),
  );
  const routerAddress = `127.0.0.1:${router.port}`;
  const clients = {
    registry: createGrpcClient(RegistryService, `127.0.0.1:${registry.port}`),
    optimizer: createGrpcClient(OptimizerService, `127.0.0.1:${optimizer.port}`),
    inference: createGrpcClient(GRPCInferenceService, routerAddress),
    feedback: createGrpcClient(FeedbackService, routerAddress),
  };
  const workers: RunningWorker[] = [];
  return {
    names: createSubjectNames(namespace),
    databaseUrl: database.url,
    ...clients,
    optimizerMetricsPort: optimizer.metricsPort,
    async startWorker(models) {
      const config = loadWorkerConfig({
        ...environment,
        WORKER_MODELS: models.join(','),
        WORKER_HEARTBEAT_INTERVAL: '200ms',
        WORKER_MAX_ATTEMPTS: '1',
      });
      const worker = await startWorker(config, logger.child({ service: 'worker' }));
      workers.push(worker);
      return worker;
    },
    async stop() {
      for (const client of Object.values(clients)) client.close();
      await Promise.all(workers.map((worker) => worker.stop()));
      await router.stop();
      await optimizer.stop();
      await registry.stop();
      const connection = await connect({ servers: infrastructure.natsUrl, name: 'test-cleanup' });
      await deleteNamespaceStreams(connection, namespace);
      await connection.close();
      await database.drop();
    },
  };
}

/**
 * A synthetic classifier (features FP32 [-1, 4] → probabilities FP32 [-1, 3]) answering in about
 * 3 ms, failing a `failureRate` share of its batches.
 */
export function syntheticClassifier(name: string, failureRate = 0): ModelSpec {
  return create(ModelSpecSchema, {
    name,
    runtime: 'synthetic',
    task: 'classification',
    modality: Modality.STRUCTURED,
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1n, 4n] }],
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1n, 3n] }],
    batching: { mode: BatchingMode.DYNAMIC, maxBatchSize: 8 },
    latencyPriorMs: 3,
    runtimeOptions: { base_latency_ms: '2', jitter_ms: '2', failure_rate: String(failureRate) },
  });
}
