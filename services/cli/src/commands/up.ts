import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createGrpcClient } from '@switchboard/grpc';
import { provideInfrastructure } from '@switchboard/local-infra';
import { GRPCInferenceService, RegistryService } from '@switchboard/protocol';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { loadCliConfig } from '../config.js';
import { DEMO_ROUTE, describeHowToCall, registerDemoModels, sendDemoRequest } from '../system/run-demo.js';
import { startServiceProcess } from '../system/service-process.js';
import type { ServiceProcess } from '../system/service-process.js';
import { waitUntil } from '../system/wait-until.js';

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

interface UpOptions {
  demo: boolean;
  once: boolean;
  routerPort: string;
  registryPort: string;
  metricsPortBase: string;
  logDir: string;
}

/** Offsets from --metrics-port-base: router 9401, registry 9402, worker 9403 by default. */
const METRICS_PORT_OFFSETS = { router: 0, registry: 1, worker: 2 } as const;

function metricsPort(options: UpOptions, service: keyof typeof METRICS_PORT_OFFSETS): string {
  const base = Number(options.metricsPortBase);
  return base === 0 ? '0' : String(base + METRICS_PORT_OFFSETS[service]);
}

/**
 * Adds `up`: starts NATS and Postgres when none are given (NATS_URL / DATABASE_URL), then the
 * registry, router and a worker as processes; with --demo registers the generated classifiers and
 * the `classify` route and sends a first request. Runs until Ctrl-C (or, with --once, until the demo is done).
 */
export function registerUpCommand(program: Command, context: CommandContext): void {
  program
    .command('up')
    .description('start the whole system locally (registry, router, worker)')
    .option('--demo', 'register the demo classifiers and the classify route, then send a request', false)
    .option('--once', 'stop everything after the demo instead of running until Ctrl-C', false)
    .option('--router-port <port>', 'OIP gRPC port of the router', '8001')
    .option('--registry-port <port>', 'admin gRPC port of the registry', '8010')
    .option('--metrics-port-base <port>', 'first Prometheus /metrics port (router; registry +1, worker +2); 0 picks free ports', '9401')
    .option('--log-dir <dir>', 'where service logs go', '.switchboard/logs')
    .action(async (options: UpOptions) => runUp(options, context));
}

async function runUp(options: UpOptions, context: CommandContext): Promise<void> {
  const out = context.io.stdout;
  const config = loadCliConfig(context.io.env);
  const logDirectory = resolve(options.logDir);
  mkdirSync(logDirectory, { recursive: true });
  const infrastructureLog = createWriteStream(join(logDirectory, 'infrastructure.log'), { flags: 'a' });
  const infrastructure = await provideInfrastructure({
    natsUrl: config.natsUrl,
    databaseUrl: config.databaseUrl,
    logger: (line) => infrastructureLog.write(`${line}\n`),
  });
  const { nats: natsSource, postgres: postgresSource } = infrastructure.source;
  out.write(`NATS ${infrastructure.natsUrl} (${natsSource}), Postgres (${postgresSource}); `);
  out.write(
    natsSource === 'env' && postgresSource === 'env'
      ? 'from NATS_URL / DATABASE_URL\n'
      : 'throwaway where not given\n',
  );
  const shared = {
    NATS_URL: infrastructure.natsUrl,
    DATABASE_URL: infrastructure.databaseUrl,
    SWITCHBOARD_NAMESPACE: config.namespace,
    LOG_LEVEL: 'info',
  };
  const routerAddress = `127.0.0.1:${options.routerPort}`;
  const registryAddress = `127.0.0.1:${options.registryPort}`;
  const services: ServiceProcess[] = [];
  const registry = createGrpcClient(RegistryService, registryAddress);
  const router = createGrpcClient(GRPCInferenceService, routerAddress);
  const shutdown = async () => {
    registry.close();
    router.close();
    await Promise.all(services.reverse().map((service) => service.stop(STOP_GRACE_MS)));
    await infrastructure.stop();
    infrastructureLog.end();
  };
  try {
    services.push(
      startServiceProcess(
        'registry',
        '@switchboard/registry',
        { ...shared, REGISTRY_PORT: options.registryPort, METRICS_PORT: metricsPort(options, 'registry') },
        logDirectory,
      ),
    );
    await waitUntil(
      async () => (await registry.listModels({}, { timeoutMs: 1_000 })) !== undefined,
      'registry',
      STARTUP_TIMEOUT_MS,
    );
    const models = options.demo ? await registerDemoModels(registry) : [];
    services.push(
      startServiceProcess(
        'router',
        '@switchboard/router',
        { ...shared, ROUTER_PORT: options.routerPort, METRICS_PORT: metricsPort(options, 'router') },
        logDirectory,
      ),
    );
    services.push(
      startServiceProcess(
        'worker',
        '@switchboard/worker',
        { ...shared, WORKER_MODELS: models.join(','), METRICS_PORT: metricsPort(options, 'worker') },
        logDirectory,
      ),
    );
    await waitUntil(
      async () => (await router.serverReady({}, { timeoutMs: 1_000 })).ready,
      'router',
      STARTUP_TIMEOUT_MS,
    );
    out.write(`registry ${registryAddress}, router ${routerAddress}; logs in ${logDirectory}\n`);
    if (options.demo) {
      await waitUntil(
        async () => (await router.modelReady({ name: DEMO_ROUTE }, { timeoutMs: 1_000 })).ready,
        'the demo models',
        STARTUP_TIMEOUT_MS,
      );
      await sendDemoRequest(router, out);
    }
    out.write(describeHowToCall(routerAddress, registryAddress));
    if (!options.once) await waitForStopSignal(out, services);
  } finally {
    await shutdown();
  }
}

/** Resolves on Ctrl-C / SIGTERM, or when a service dies on its own (its log says why). */
function waitForStopSignal(out: { write(text: string): void }, services: ServiceProcess[]): Promise<void> {
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
