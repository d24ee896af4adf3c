import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { create, fromBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createLogger } from '@switchboard/logging';
import { createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import {
  BatchingMode,
  GRPCInferenceService,
  Modality,
  ModelSpecSchema,
  RegistryService,
  ResourceManagerService,
  ScalingSpecSchema,
  WorkerHeartbeatSchema,
} from '@switchboard/protocol';
import type { ModelSpec, WorkerHeartbeat } from '@switchboard/protocol';
import { loadConfig as loadRegistryConfig, start as startRegistry } from '@switchboard/registry';
import { loadConfig as loadRouterConfig, startRouter } from '@switchboard/router';
import {
  createTestDatabase,
  createTestNamespace,
  serviceTestEnvironment,
  testInfrastructure,
} from '@switchboard/testkit';
import { loadConfig, start } from '../../src/index.js';
import type { RunningResourceManager } from '../../src/index.js';

const WORKER_MAIN = fileURLToPath(new URL('../../../worker/dist/main.js', import.meta.url));

const logger = createLogger({
  service: 'test',
  level: process.env.TEST_LOG_LEVEL === undefined ? 'silent' : 'debug',
});

/** Registry and router in-process, workers as processes, and a resource manager over them. */
export interface ResourceManagerSystem {
  readonly names: SubjectNames;
  readonly nats: NatsConnection;
  readonly registry: GrpcClient<typeof RegistryService>;
  readonly router: GrpcClient<typeof GRPCInferenceService>;
  /** Starts a resource manager with the test defaults plus `environment`; stopped with the system. */
  startResourceManager(environment: Record<string, string>): Promise<{
    manager: RunningResourceManager;
    client: GrpcClient<typeof ResourceManagerService>;
  }>;
  /** Starts a worker process serving nothing until assigned; the caller may kill it. */
  spawnWorker(workerId: string, environment?: Record<string, string>): ChildProcess;
  /** Stops the managers and workers started so far and deletes every model: the next test starts clean. */
  reset(): Promise<void>;
  /** Every heartbeat published from now on, newest last. */
  recordHeartbeats(): { readonly heartbeats: WorkerHeartbeat[]; stop(): void };
  stop(): Promise<void>;
}

/** A synthetic structured model (features FP32 [-1, 4] → FP32 [-1, 3]), dynamic batching. */
export function syntheticModel(
  name: string,
  options: {
    latencyMs: number;
    loadMs?: number;
    memoryBytes?: number;
    maxBatchSize?: number;
    scaling?: MessageInitShape<typeof ScalingSpecSchema>;
  },
): ModelSpec {
  return create(ModelSpecSchema, {
    name,
    runtime: 'synthetic',
    task: 'classification',
    modality: Modality.STRUCTURED,
    latencyPriorMs: options.latencyMs,
    memoryBytes: BigInt(options.memoryBytes ?? 0),
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1n, 4n] }],
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1n, 3n] }],
    batching: { mode: BatchingMode.DYNAMIC, maxBatchSize: options.maxBatchSize ?? 1 },
    runtimeOptions: {
      base_latency_ms: String(options.latencyMs),
      ...(options.loadMs === undefined ? {} : { load_ms: String(options.loadMs) }),
    },
    ...(options.scaling === undefined ? {} : { scaling: create(ScalingSpecSchema, options.scaling) }),
  });
}

/** An OIP request for a synthetic model of {@link syntheticModel}. */
export function inferRequest(model: string, id: string) {
  return {
    modelName: model,
    id,
    inputs: [
      { name: 'features', datatype: 'FP32', shape: [1n, 4n], contents: { fp32Contents: [1, 2, 3, 4] } },
    ],
  };
}

export async function startResourceManagerSystem(
  label: string,
  /** Extra router environment, e.g. ROUTER_RESOURCE_MANAGER_ADDRESS. */
  routerEnvironment: Record<string, string> = {},
): Promise<ResourceManagerSystem> {
  const infrastructure = testInfrastructure();
  const namespace = createTestNamespace(label);
  const database = await createTestDatabase(infrastructure.databaseUrl);
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
    loadRouterConfig({ ...environment, ROUTER_HOST: '127.0.0.1', ROUTER_PORT: '0', ...routerEnvironment }),
    logger.child({ service: 'router' }),
  );
  const nats = await connect({ servers: infrastructure.natsUrl, name: 'test' });
  const names = createSubjectNames(namespace);
  const registryClient = createGrpcClient(RegistryService, `127.0.0.1:${registry.port}`);
  const routerClient = createGrpcClient(GRPCInferenceService, `127.0.0.1:${router.port}`);
  const managers: { manager: RunningResourceManager; client: GrpcClient<typeof ResourceManagerService> }[] =
    [];
  const workers: ChildProcess[] = [];
  const system: ResourceManagerSystem = {
    names,
    nats,
    registry: registryClient,
    router: routerClient,
    async startResourceManager(extra) {
      const manager = await start(
        loadConfig({
          ...environment,
          RESOURCE_MANAGER_HOST: '127.0.0.1',
          RESOURCE_MANAGER_PORT: '0',
          RM_INTERVAL: '250ms',
          RM_FORECAST_STEP: '1s',
          RM_LEASE_TTL: '2s',
          RM_LOCAL_WORKER_ENV: 'WORKER_HEARTBEAT_INTERVAL=500ms',
          ...extra,
        }),
        logger.child({ service: 'resource-manager' }),
      );
      const client = createGrpcClient(ResourceManagerService, `127.0.0.1:${manager.port}`);
      managers.push({ manager, client });
      return { manager, client };
    },
    spawnWorker(workerId, extra = {}) {
      const child = spawn(process.execPath, [WORKER_MAIN], {
        env: {
          ...process.env,
          ...environment,
          WORKER_ID: workerId,
          WORKER_MODELS: '',
          WORKER_HEARTBEAT_INTERVAL: '500ms',
          WORKER_ACK_WAIT: '2s',
          ...(process.env.TEST_LOG_LEVEL === undefined ? {} : { LOG_LEVEL: 'debug' }),
          ...extra,
        },
        // With TEST_LOG_LEVEL set, the worker's log goes to the test's stdout too.
        stdio: ['ignore', process.env.TEST_LOG_LEVEL === undefined ? 'ignore' : 'inherit', 'inherit'],
      });
      workers.push(child);
      return child;
    },
    recordHeartbeats() {
      const heartbeats: WorkerHeartbeat[] = [];
      const subscription = nats.subscribe(names.workerHeartbeatSubject, {
        callback: (_error, message) => {
          heartbeats.push(fromBinary(WorkerHeartbeatSchema, message.data));
        },
      });
      return { heartbeats, stop: () => subscription.unsubscribe() };
    },
    async reset() {
      for (const { manager, client } of managers.splice(0)) {
        client.close();
        await manager.stop();
      }
      for (const worker of workers.splice(0))
        if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
      const { models } = await registryClient.listModels({});
      for (const model of models) await registryClient.deleteModel({ name: model.name });
    },
    async stop() {
      await system.reset();
      routerClient.close();
      registryClient.close();
      await router.stop();
      await registry.stop();
      await deleteNamespaceStreams(nats, namespace);
      await nats.close();
      await database.drop();
    },
  };
  return system;
}
