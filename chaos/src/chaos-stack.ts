import { mkdirSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { findFreePort, waitFor } from '@switchboard/local-infra';
import { createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { GRPCInferenceService, MonitorService, RegistryService } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { startServiceProcess } from '@switchboard/service-runner';
import type { ServiceProcess } from '@switchboard/service-runner';
import { createTestDatabase, createTestNamespace } from '@switchboard/testkit';
import type { TestDatabase } from '@switchboard/testkit';
import { HeartbeatWatch } from './heartbeat-watch.js';
import { ReplyTap } from './reply-tap.js';
import type { ChaosInfrastructure } from './start-chaos-infrastructure.js';

/** Short, so redelivery after a dead or hung worker takes seconds, not the default 10 s. */
export const ACK_WAIT_MS = 2_000;
export const MAX_ATTEMPTS = 3;
const STOP_GRACE_MS = 10_000;
const STARTUP_TIMEOUT_MS = 60_000;

/** The services a scenario can start, by package. */
const PACKAGES = {
  registry: '@switchboard/registry',
  router: '@switchboard/router',
  worker: '@switchboard/worker',
  monitor: '@switchboard/monitor',
  optimizer: '@switchboard/optimizer',
  'resource-manager': '@switchboard/resource-manager',
} as const;

/** A kind of service the stack can start. */
export type ServiceKind = keyof typeof PACKAGES;

/** A router process and where it listens. */
export interface RouterHandle {
  readonly process: ServiceProcess;
  readonly address: string;
  readonly port: number;
}

/** One scenario's Switchboard: its own namespace and database on the suite's NATS and Postgres. */
export interface ChaosStack {
  readonly names: SubjectNames;
  /** The harness's own NATS connection (tap, heartbeats). */
  readonly connection: NatsConnection;
  readonly registry: GrpcClient<typeof RegistryService>;
  readonly tap: ReplyTap;
  readonly heartbeats: HeartbeatWatch;
  /** Starts a router (on `port` when given, to come back where clients expect it) and waits until it reports `models` ready. */
  startRouter(name: string, models: readonly string[], port?: number): Promise<RouterHandle>;
  /** Starts a worker with WORKER_ID `name` serving `models` and waits until its heartbeat lists them. */
  startWorker(
    name: string,
    models: readonly string[],
    environment?: Record<string, string>,
  ): Promise<ServiceProcess>;
  /** Starts the monitor and waits until it answers GetStats (its migrations ran). */
  startMonitor(): Promise<ServiceProcess>;
  /** Starts a control-plane service with the stack's environment plus `environment`. */
  startService(kind: ServiceKind, name: string, environment?: Record<string, string>): ServiceProcess;
  /** Stops every process (resuming stopped ones first), deletes the namespace's streams and drops the database. */
  stop(): Promise<void>;
}

/** Options for {@link startChaosStack}. */
export interface ChaosStackOptions {
  readonly infrastructure: ChaosInfrastructure;
  /** Readable part of the namespace and database names. */
  readonly label: string;
  /** Where each process's `<name>.log` goes. */
  readonly logDirectory: string;
  /** Registered through the registry's admin API before anything else starts. */
  readonly models: readonly ModelSpec[];
}

/**
 * Waits for `ready`, but gives up at once when `started` exits first: a service that died (a bad
 * build, a port taken) will not become ready, and a minute's wait would hide why.
 */
async function startupOf(started: ServiceProcess, ready: Promise<unknown>): Promise<void> {
  const died = started.exited.then((code) => {
    throw new Error(`${started.name} exited during startup (code ${code}); see ${started.logFile}`);
  });
  // Only the race needs the rejection; a later exit is a scenario's doing.
  died.catch(() => undefined);
  await Promise.race([ready, died]);
}

function sharedEnvironment(natsUrl: string, database: TestDatabase, namespace: string, registryPort: number) {
  return {
    NATS_URL: natsUrl,
    DATABASE_URL: database.url,
    SWITCHBOARD_NAMESPACE: namespace,
    LOG_LEVEL: 'info',
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    // Every namespace reserves these from JetStream's storage; the defaults (1 GiB each) would not fit many.
    TELEMETRY_MAX_BYTES: String(64 * 1024 ** 2),
    ROUTER_DECISIONS_MAX_BYTES: String(16 * 1024 ** 2),
    ROUTER_RESULT_CACHE_MAX_BYTES: String(16 * 1024 ** 2),
    REGISTRY_HOST: '127.0.0.1',
    REGISTRY_PORT: String(registryPort),
    REGISTRY_ADDRESS: `127.0.0.1:${registryPort}`,
    WORKER_ACK_WAIT: `${ACK_WAIT_MS}ms`,
    WORKER_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    WORKER_HEARTBEAT_INTERVAL: '200ms',
    WORKER_DRAIN_GRACE: '5s',
    WORKER_SLOTS: '1',
  };
}

/**
 * Starts a scenario's registry, registers `models`, and returns the means to start the rest.
 * Everything started is stopped by `stop()`, also when a scenario fails half-way.
 */
export async function startChaosStack(options: ChaosStackOptions): Promise<ChaosStack> {
  mkdirSync(options.logDirectory, { recursive: true });
  const { nats, postgres } = options.infrastructure;
  const namespace = createTestNamespace(options.label.replace(/[^a-z0-9]/g, '').slice(0, 12) || 'chaos');
  const names = createSubjectNames(namespace);
  const database = await createTestDatabase(postgres.url, { label: 'chaos' });
  const connection = await connect({
    servers: nats.url,
    name: `chaos-${namespace}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  const registryPort = await findFreePort();
  const shared = sharedEnvironment(nats.url, database, namespace, registryPort);
  const processes: ServiceProcess[] = [];
  const clients: { close(): void }[] = [];
  const tap = new ReplyTap(connection, names);
  const heartbeats = new HeartbeatWatch(connection, names);
  const startService = (kind: ServiceKind, name: string, environment: Record<string, string> = {}) => {
    const started = startServiceProcess(
      name,
      import.meta.resolve(PACKAGES[kind]),
      { ...shared, ...environment },
      options.logDirectory,
    );
    processes.push(started);
    return started;
  };
  const registry = createGrpcClient(RegistryService, `127.0.0.1:${registryPort}`);
  clients.push(registry);

  const stop = async () => {
    for (const client of clients) client.close();
    tap.stop();
    heartbeats.stop();
    for (const started of [...processes].reverse()) started.signal('SIGCONT');
    await Promise.all([...processes].reverse().map((started) => started.stop(STOP_GRACE_MS)));
    await deleteNamespaceStreams(connection, namespace).catch(() => undefined);
    await connection.close();
    await database.drop().catch(() => undefined);
  };

  try {
    const registryProcess = startService('registry', 'registry');
    await startupOf(
      registryProcess,
      waitFor(async () => (await registry.listModels({}, { timeoutMs: 1_000 })) !== undefined, {
        timeoutMs: STARTUP_TIMEOUT_MS,
        message: 'the registry to answer ListModels',
      }),
    );
    for (const model of options.models) await registry.registerModel({ model });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    names,
    connection,
    registry,
    tap,
    heartbeats,
    startService,
    async startRouter(name, models, port) {
      const routerPort = port ?? (await findFreePort());
      const started = startService('router', name, {
        ROUTER_ID: name,
        ROUTER_HOST: '127.0.0.1',
        ROUTER_PORT: String(routerPort),
        ROUTER_HTTP_HOST: '127.0.0.1',
        ROUTER_HTTP_PORT: '0',
      });
      const address = `127.0.0.1:${routerPort}`;
      const probe = createGrpcClient(GRPCInferenceService, address);
      try {
        await startupOf(
          started,
          waitFor(
            async () => {
              const answers = await Promise.all(
                models.map((model) => probe.modelReady({ name: model }, { timeoutMs: 1_000 })),
              );
              return answers.every((answer) => answer.ready);
            },
            {
              timeoutMs: STARTUP_TIMEOUT_MS,
              intervalMs: 100,
              message: `${name} to report ${models.join(', ')} ready`,
            },
          ),
        );
      } finally {
        probe.close();
      }
      return { process: started, address, port: routerPort };
    },
    async startMonitor() {
      const port = await findFreePort();
      const started = startService('monitor', 'monitor', {
        MONITOR_HOST: '127.0.0.1',
        MONITOR_PORT: String(port),
      });
      const probe = createGrpcClient(MonitorService, `127.0.0.1:${port}`);
      try {
        await startupOf(
          started,
          waitFor(async () => (await probe.getStats({}, { timeoutMs: 1_000 })) !== undefined, {
            timeoutMs: STARTUP_TIMEOUT_MS,
            intervalMs: 100,
            message: 'the monitor to answer GetStats',
          }),
        );
      } finally {
        probe.close();
      }
      return started;
    },
    async startWorker(name, models, environment = {}) {
      const started = startService('worker', name, {
        WORKER_ID: name,
        WORKER_MODELS: models.join(','),
        ...environment,
      });
      await startupOf(started, heartbeats.waitUntilServing(name, models, STARTUP_TIMEOUT_MS));
      return started;
    },
    stop,
  };
}
