import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { findFreePort } from '@switchboard/local-infra';
import { deleteNamespaceStreams } from '@switchboard/nats';
import { MonitorService, RegistryService } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import {
  createTestDatabase,
  createTestNamespace,
  scrapeMetrics,
  testInfrastructure,
  waitFor,
} from '@switchboard/testkit';
import { createOipClient } from './oip-client.js';
import type { OipClient } from './oip-client.js';

type ServiceName = 'registry' | 'monitor' | 'router' | 'worker';

/** One pino line a service wrote, as parsed JSON. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A service running as its own process, as an operator would run it. */
export interface ServiceUnderTest {
  readonly name: ServiceName;
  readonly child: ChildProcess;
  /** Every log line the process has written so far. */
  readonly lines: LogLine[];
  readonly metricsPort: number;
  /** Its working directory (a fresh temporary one), removed when the system stops. */
  readonly directory: string;
  /** Whether the process is still running. */
  isAlive(): boolean;
  /**
   * Memory the process holds on to: JS heap in use plus memory outside it (ArrayBuffers such as
   * histograms and message buffers), read from its /metrics right after a full garbage collection,
   * so garbage not yet collected does not count. The collection is the one Node runs before writing
   * a heap snapshot on SIGUSR2 (`--heapsnapshot-signal`); the snapshot is deleted.
   */
  liveBytes(): Promise<number>;
}

/** Registry, monitor, router and one worker, each its own process, on the test run's NATS and a fresh database. */
export interface ProcessSystem {
  readonly services: Readonly<Record<ServiceName, ServiceUnderTest>>;
  readonly oip: OipClient;
  readonly registry: GrpcClient<typeof RegistryService>;
  readonly monitor: GrpcClient<typeof MonitorService>;
  /** Log lines any service wrote saying its NATS connection dropped or came back, or an error escaped. */
  incidents(): LogLine[];
  stop(): Promise<void>;
}

/** Options for {@link startProcessSystem}. */
export interface ProcessSystemOptions {
  /** Registered before the worker starts; the worker serves all of them. */
  readonly models: readonly ModelSpec[];
  /** Extra environment per service. */
  readonly environment?: Partial<Record<ServiceName, Record<string, string>>>;
}

const PINO_WARN = 40;
/** What services log when their NATS connection degrades or an error escapes every handler. */
const INCIDENT_MESSAGES = new Set([
  'NATS connection degraded',
  'NATS reconnected',
  'uncaught exception; the service keeps running',
  'unhandled promise rejection; the service keeps running',
]);

function mainOf(service: ServiceName): string {
  return fileURLToPath(new URL(`../../../${service}/dist/main.js`, import.meta.url));
}

function startService(
  name: ServiceName,
  environment: Record<string, string>,
  metricsPort: number,
): ServiceUnderTest {
  // Its own working directory, where its heap snapshots land.
  const directory = mkdtempSync(join(tmpdir(), `switchboard-${name}-`));
  const child = spawn(process.execPath, ['--heapsnapshot-signal=SIGUSR2', mainOf(name)], {
    cwd: directory,
    env: { ...process.env, ...environment, METRICS_HOST: '127.0.0.1', METRICS_PORT: String(metricsPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const keep = (text: string) => {
    try {
      lines.push(JSON.parse(text) as LogLine);
    } catch {
      lines.push({ level: PINO_WARN, msg: text });
    }
  };
  createInterface({ input: child.stdout! }).on('line', keep);
  createInterface({ input: child.stderr! }).on('line', keep);
  return {
    name,
    child,
    lines,
    metricsPort,
    isAlive: () => child.exitCode === null && child.signalCode === null,
    async liveBytes() {
      child.kill('SIGUSR2');
      await waitForSnapshot(directory);
      const metrics = await scrapeMetrics(metricsPort);
      return metrics.value('nodejs_heap_size_used_bytes') + metrics.value('nodejs_external_memory_bytes');
    },
    directory,
  };
}

/** Waits until a heap snapshot in `directory` is written completely, then deletes it. */
async function waitForSnapshot(directory: string): Promise<void> {
  let lastSize = -1;
  await waitFor(
    async () => {
      const [snapshot] = (await readdir(directory)).filter((file) => file.endsWith('.heapsnapshot'));
      if (snapshot === undefined) return false;
      const { size } = await stat(join(directory, snapshot));
      const complete = size > 0 && size === lastSize;
      lastSize = size;
      if (complete) await rm(join(directory, snapshot));
      return complete;
    },
    { timeoutMs: 30_000, intervalMs: 200, message: `a heap snapshot in ${directory}` },
  );
}

async function stopService(service: ServiceUnderTest): Promise<void> {
  if (service.isAlive()) {
    const exited = new Promise((resolve) => service.child.once('exit', resolve));
    service.child.kill('SIGTERM');
    const timer = setTimeout(() => service.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await rm(service.directory, { recursive: true, force: true });
}

/**
 * Starts the whole system as separate processes (the built `dist/main.js` of each service), registers
 * `options.models` and waits until the router is ready and the worker serves every model.
 */
export async function startProcessSystem(
  label: string,
  options: ProcessSystemOptions,
): Promise<ProcessSystem> {
  const infrastructure = testInfrastructure();
  const namespace = createTestNamespace(label);
  const database = await createTestDatabase(infrastructure.databaseUrl, { label });
  const ports = {
    registry: await findFreePort(),
    monitor: await findFreePort(),
    router: await findFreePort(),
  };
  const shared = {
    NATS_URL: infrastructure.natsUrl,
    DATABASE_URL: database.url,
    SWITCHBOARD_NAMESPACE: namespace,
    LOG_LEVEL: 'info',
    TELEMETRY_MAX_BYTES: String(64 * 1024 ** 2),
    ROUTER_DECISIONS_MAX_BYTES: String(16 * 1024 ** 2),
  };
  const own = (name: ServiceName, environment: Record<string, string>) => ({
    ...shared,
    ...environment,
    ...options.environment?.[name],
  });
  const services: Partial<Record<ServiceName, ServiceUnderTest>> = {};
  const launch = async (name: ServiceName, environment: Record<string, string>) => {
    services[name] = startService(name, own(name, environment), await findFreePort());
  };
  const registry = createGrpcClient(RegistryService, `127.0.0.1:${ports.registry}`);
  const monitor = createGrpcClient(MonitorService, `127.0.0.1:${ports.monitor}`);
  const oip = createOipClient(`127.0.0.1:${ports.router}`);

  const stop = async () => {
    oip.close();
    registry.close();
    monitor.close();
    for (const name of ['worker', 'router', 'monitor', 'registry'] as const) {
      const service = services[name];
      if (service !== undefined) await stopService(service);
    }
    const connection = await connect({ servers: infrastructure.natsUrl, name: 'test-cleanup' });
    await deleteNamespaceStreams(connection, namespace);
    await connection.close();
    await database.drop();
  };

  try {
    await launch('registry', { REGISTRY_HOST: '127.0.0.1', REGISTRY_PORT: String(ports.registry) });
    await waitFor(async () => (await registry.listModels({}, { timeoutMs: 1_000 })) !== undefined, {
      timeoutMs: 30_000,
      message: 'the registry to answer',
    });
    for (const model of options.models) await registry.registerModel({ model });
    await launch('monitor', { MONITOR_HOST: '127.0.0.1', MONITOR_PORT: String(ports.monitor) });
    await launch('router', {
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PORT: String(ports.router),
      ROUTER_HTTP_HOST: '127.0.0.1',
      ROUTER_HTTP_PORT: '0',
    });
    await launch('worker', {
      WORKER_MODELS: options.models.map((model) => model.name).join(','),
      WORKER_HEARTBEAT_INTERVAL: '200ms',
    });
    for (const model of options.models) {
      await waitFor(
        async () =>
          ((await oip.call('ModelReady', { name: model.name }, { timeoutMs: 1_000 })) as { ready: boolean })
            .ready,
        { timeoutMs: 30_000, message: `the worker to serve ${model.name}` },
      );
    }
    await waitFor(async () => (await monitor.getStats({}, { timeoutMs: 1_000 })) !== undefined, {
      timeoutMs: 30_000,
      message: 'the monitor to answer',
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const all = services as Record<ServiceName, ServiceUnderTest>;
  return {
    services: all,
    oip,
    registry,
    monitor,
    incidents: () =>
      Object.values(all).flatMap((service) =>
        service.lines.filter((line) => INCIDENT_MESSAGES.has(line.msg)),
      ),
    stop,
  };
}
