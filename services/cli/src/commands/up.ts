import { resolve } from 'node:path';
import type { GrpcClient } from '@switchboard/grpc';
import { waitFor } from '@switchboard/local-infra';
import { StatusCode } from '@switchboard/errors';
import type { GRPCInferenceService } from '@switchboard/protocol';
import type { ServiceProcess } from '@switchboard/service-runner';
import type { Command } from 'commander';
import type { CommandContext, Writer } from '../command-context.js';
import { startLocalSystem } from '../system/local-system.js';
import type { LocalSystem } from '../system/local-system.js';
import {
  DEMO_ROUTE,
  demoModelsNotReady,
  describeHowToCall,
  registerDemoModels,
  sendDemoRequest,
} from '../system/run-demo.js';
import { createUpAuth, describeUpAuth, upClientMetadata } from '../system/up-auth.js';
import type { UpAuth } from '../system/up-auth.js';
import { createSystemClients } from '../system/system-clients.js';
import type { SystemClients } from '../system/system-clients.js';

/** How long a service gets to answer after it is started, probed every 200 ms. */
const STARTUP_WAIT = { timeoutMs: 60_000, intervalMs: 200 } as const;
/** Deadline of each readiness probe while a service starts. */
const PROBE_TIMEOUT_MS = 1_000;

interface UpOptions {
  demo: boolean;
  auth: boolean;
  once: boolean;
  routerPort: string;
  httpPort: string;
  registryPort: string;
  monitorPort: string;
  optimizerPort: string;
  resourceManagerPort: string;
  maxWorkers: string;
  metricsPortBase: string;
  logDir: string;
}

/**
 * Offsets from --metrics-port-base: router 9401, registry 9402, monitor 9404, optimizer 9405,
 * resource manager 9406 by default. Workers (9403 when run alone) take free ports: the resource
 * manager starts as many as demand needs.
 */
const METRICS_PORT_OFFSETS = {
  router: 0,
  registry: 1,
  monitor: 3,
  optimizer: 4,
  resourceManager: 5,
} as const;

function metricsPort(options: UpOptions, service: keyof typeof METRICS_PORT_OFFSETS): string {
  const base = Number(options.metricsPortBase);
  return base === 0 ? '0' : String(base + METRICS_PORT_OFFSETS[service]);
}

/**
 * Adds `up`: starts NATS and Postgres when none are given (NATS_URL / DATABASE_URL), then the
 * registry, monitor, optimizer, router and resource manager (which starts the workers) as processes; with --demo registers the generated classifiers and
 * the `classify` route and sends a first request. Runs until Ctrl-C (or, with --once, until the demo is done).
 */
export function registerUpCommand(program: Command, context: CommandContext): void {
  program
    .command('up')
    .description(
      'start the whole system locally (registry, monitor, optimizer, router, resource manager and its workers)',
    )
    .option('--demo', 'register the demo classifiers and the classify route, then send a request', false)
    .option('--once', 'stop everything after the demo instead of running until Ctrl-C', false)
    .option(
      '--auth',
      'turn security on: an admin token (SWITCHBOARD_ADMIN_TOKEN, generated when unset), API keys at the router (a demo tenant), one NATS user per service when NATS is started here',
      false,
    )
    .option('--router-port <port>', 'OIP gRPC port of the router', '8001')
    .option('--http-port <port>', "KServe v2 HTTP/REST port of the router ('off': none)", '8000')
    .option('--registry-port <port>', 'admin gRPC port of the registry', '8010')
    .option('--monitor-port <port>', 'MonitorService gRPC port of the monitor', '8020')
    .option('--optimizer-port <port>', 'OptimizerService gRPC port of the optimizer', '8030')
    .option(
      '--resource-manager-port <port>',
      'ResourceManagerService gRPC port of the resource manager',
      '8040',
    )
    .option('--max-workers <count>', 'most worker processes the resource manager may start', '2')
    .option(
      '--metrics-port-base <port>',
      'first Prometheus /metrics port (router; registry +1, monitor +3, optimizer +4, resource manager +5; workers take free ports); 0 picks free ports',
      '9401',
    )
    .option('--log-dir <dir>', 'where service logs go', '.switchboard/logs')
    .action(async (options: UpOptions) => runUp(options, context));
}

async function runUp(options: UpOptions, context: CommandContext): Promise<void> {
  const out = context.io.stdout;
  const logDirectory = resolve(options.logDir);
  const auth = options.auth ? createUpAuth(context.config) : undefined;
  const system = await startLocalSystem({ ...context.config, logDirectory, out, natsUsers: auth?.natsUsers });
  const clients = createSystemClients(options, upClientMetadata(auth, context.config));
  try {
    await startRegistry(system, clients, options, auth?.environmentOf('registry') ?? {});
    system.startService('monitor', '@switchboard/monitor', {
      MONITOR_PORT: options.monitorPort,
      METRICS_PORT: metricsPort(options, 'monitor'),
      ...auth?.environmentOf('monitor'),
    });
    system.startService('optimizer', '@switchboard/optimizer', {
      OPTIMIZER_PORT: options.optimizerPort,
      METRICS_PORT: metricsPort(options, 'optimizer'),
      // Canary verdicts are applied through the registry's API.
      REGISTRY_ADDRESS: `127.0.0.1:${options.registryPort}`,
      ...auth?.environmentOf('optimizer'),
    });
    const demoModels = options.demo ? await registerDemoModels(clients.registry) : [];
    if (auth !== undefined) await registerDemoTenant(clients, auth, out);
    startRouterAndResourceManager(system, options, logDirectory, auth);
    await waitUntilAnswering(clients);
    const { registry, router, monitor, optimizer, resourceManager } = clients.addresses;
    out.write(
      `registry ${registry}, monitor ${monitor}, optimizer ${optimizer}, resource manager ${resourceManager}, router ${router}; logs in ${logDirectory}\n`,
    );
    if (options.demo) await runDemo(clients.router, demoModels, out);
    // Port 0 lets the router pick one, which only its log tells.
    const http = ['off', '0'].includes(options.httpPort) ? undefined : `127.0.0.1:${options.httpPort}`;
    out.write(describeHowToCall({ ...clients.addresses, http }));
    if (!options.once) await waitForStopSignal(out, system.services);
  } finally {
    clients.close();
    await system.stop();
  }
}

/** Starts the registry first: the others read the KV bucket it creates. Resolves once it answers. */
async function startRegistry(
  system: LocalSystem,
  clients: SystemClients,
  options: UpOptions,
  environment: Record<string, string>,
): Promise<void> {
  system.startService('registry', '@switchboard/registry', {
    REGISTRY_PORT: options.registryPort,
    METRICS_PORT: metricsPort(options, 'registry'),
    ...environment,
  });
  await waitFor(
    async () => (await clients.registry.listModels({}, { timeoutMs: PROBE_TIMEOUT_MS })) !== undefined,
    { ...STARTUP_WAIT, message: 'the registry to answer' },
  );
}

/**
 * Starts the router and the resource manager, which starts worker processes itself (the local
 * driver: one to begin with, up to --max-workers) and places the registered models on them.
 */
function startRouterAndResourceManager(
  system: LocalSystem,
  options: UpOptions,
  logDirectory: string,
  auth: UpAuth | undefined,
): void {
  system.startService('router', '@switchboard/router', {
    ROUTER_PORT: options.routerPort,
    ROUTER_HTTP_PORT: options.httpPort,
    // Triton's statistics and repository calls are answered by these two.
    ROUTER_MONITOR_ADDRESS: `127.0.0.1:${options.monitorPort}`,
    ROUTER_RESOURCE_MANAGER_ADDRESS: `127.0.0.1:${options.resourceManagerPort}`,
    METRICS_PORT: metricsPort(options, 'router'),
    ...auth?.environmentOf('router'),
  });
  system.startService('resource-manager', '@switchboard/resource-manager', {
    RESOURCE_MANAGER_PORT: options.resourceManagerPort,
    METRICS_PORT: metricsPort(options, 'resourceManager'),
    RM_DRIVER: 'local',
    RM_MIN_WORKERS: '1',
    RM_MAX_WORKERS: options.maxWorkers,
    RM_LOCAL_LOG_DIR: logDirectory,
    ...auth?.environmentOf('resource-manager'),
  });
}

/** With auth on, a `demo` tenant whose key the demo request (and the operator) can send. */
async function registerDemoTenant(clients: SystemClients, auth: UpAuth, out: Writer): Promise<void> {
  await clients.registry.putTenant({ tenant: { name: 'demo', tier: 'standard', apiKey: auth.demoApiKey } });
  out.write(describeUpAuth(auth));
}

/**
 * Resolves once the router is ready, the monitor answers GetStats and the optimizer answers (they
 * start in parallel). The optimizer is asked about no route, which it answers INVALID_ARGUMENT.
 */
async function waitUntilAnswering(clients: SystemClients): Promise<void> {
  await Promise.all([
    waitFor(async () => (await clients.router.serverReady({}, { timeoutMs: PROBE_TIMEOUT_MS })).ready, {
      ...STARTUP_WAIT,
      message: 'the router to be ready',
    }),
    waitFor(async () => (await clients.monitor.getStats({}, { timeoutMs: PROBE_TIMEOUT_MS })) !== undefined, {
      ...STARTUP_WAIT,
      message: 'the monitor to answer',
    }),
    waitFor(
      () =>
        clients.optimizer.getPolicy({ route: '' }, { timeoutMs: PROBE_TIMEOUT_MS }).then(
          () => true,
          (error: unknown) => (error as { code?: number }).code === StatusCode.INVALID_ARGUMENT,
        ),
      { ...STARTUP_WAIT, message: 'the optimizer to answer' },
    ),
    waitFor(
      async () =>
        (await clients.resourceManager.getPlacement({}, { timeoutMs: PROBE_TIMEOUT_MS })) !== undefined,
      { ...STARTUP_WAIT, message: 'the resource manager to answer' },
    ),
  ]);
}

/** Waits until workers serve the demo route and every model of it, then sends one request through it. */
async function runDemo(
  router: GrpcClient<typeof GRPCInferenceService>,
  models: readonly string[],
  out: Writer,
): Promise<void> {
  await waitFor(
    async () => (await demoModelsNotReady(router, [DEMO_ROUTE, ...models], PROBE_TIMEOUT_MS)).length === 0,
    { ...STARTUP_WAIT, message: `workers to serve the demo models (${models.join(', ')})` },
  );
  await sendDemoRequest(router, out);
}

/** Resolves on Ctrl-C / SIGTERM, or when a service dies on its own (its log says why). */
function waitForStopSignal(out: Writer, services: readonly ServiceProcess[]): Promise<void> {
  out.write('Press Ctrl-C to stop.\n');
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    for (const service of services) {
      service.exited
        .then((code) => {
          out.write(`${service.name} exited (code ${code}); see ${service.logFile}. Stopping.\n`);
          resolve();
        })
        .catch(() => resolve());
    }
  });
}
