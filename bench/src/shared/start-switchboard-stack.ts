import { fileURLToPath } from 'node:url';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { findFreePort, waitFor } from '@switchboard/local-infra';
import {
  GRPCInferenceService,
  OptimizerService,
  RegistryService,
  ResourceManagerService,
} from '@switchboard/protocol';
import type { CleanupStack } from './cleanup-stack.js';
import { startNodeChild } from './node-child.js';
import type { NodeChild } from './node-child.js';

/** The registry's admin API, as the bench calls it. */
export type RegistryClient = GrpcClient<typeof RegistryService>;

/** A process of the stack, by the name its output is prefixed with. */
export interface StackProcess {
  readonly name: string;
  readonly pid: number;
}

/** A started Switchboard: where the router listens and the processes on the request path. */
export interface SwitchboardStack {
  /** The router's OIP address, 127.0.0.1:port. */
  readonly routerAddress: string;
  /** Router and workers (`worker`, or `worker-1`, `worker-2`, … when there are several); the registry is idle while requests flow. */
  readonly processes: readonly StackProcess[];
  /** The optimizer's OptimizerService address, 127.0.0.1:port, when it was started. */
  readonly optimizerAddress: string | undefined;
  /** The resource manager's ResourceManagerService address, 127.0.0.1:port, when it was started. */
  readonly resourceManagerAddress: string | undefined;
}

/** Migrations plus a cold Node start; generous because CI machines are slow. */
const STARTUP_TIMEOUT_MS = 60_000;
const STARTUP_POLL_INTERVAL_MS = 200;

/** Options for {@link startSwitchboardStack}. */
export interface SwitchboardStackOptions {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  /** Unique per run, so the run's streams, subjects and KV bucket are its own. */
  readonly namespace: string;
  /** One entry per worker process: the models it serves (`WORKER_MODELS`). Empty when the resource manager places models. */
  readonly workers: readonly (readonly string[])[];
  /** Registers what the run needs through the admin API, once the registry answers; adds its own undo steps to `cleanup`. */
  readonly provision: (registry: RegistryClient, cleanup: CleanupStack) => Promise<void>;
  /** Models or routes the router must report ready (ModelReady) before the stack counts as started. */
  readonly readyNames: readonly string[];
  /** Metadata of the readiness probe: a tenant's key when the router runs with `ROUTER_AUTH=required`. */
  readonly readyProbeMetadata?: Readonly<Record<string, string>>;
  /** Variables only the router gets, e.g. `ROUTER_AUTH`. */
  readonly routerEnvironment?: Readonly<Record<string, string>>;
  /** Also starts the monitor, which publishes the load snapshots the router predicts queue waits from. @default false */
  readonly monitor?: boolean;
  /**
   * Also starts the optimizer (learned routing policies), and waits until it answers GetPolicy for
   * each of `routes`. Not started when absent.
   */
  readonly optimizer?: { readonly routes: readonly string[] };
  /**
   * Also starts the resource manager with these variables added (`RM_POLICY`, `RM_DRIVER`, …; its
   * address and NATS, Postgres and namespace are the stack's). With `RM_DRIVER=local` (its default)
   * it starts and places the workers itself, so `workers` should be empty. Not started when absent.
   */
  readonly resourceManager?: { readonly environment: Readonly<Record<string, string>> };
}

/** The compiled entry point of a service package, found the way Node resolves the package. */
function mainOf(packageName: string): string {
  return fileURLToPath(new URL('./main.js', import.meta.resolve(packageName)));
}

/** Rejects as soon as any of `children` exits: a service that died will not become ready. */
function failOnExit(children: readonly NodeChild[]): Promise<never> {
  return Promise.race(
    children.map(async (child) => {
      throw new Error(`${child.name} exited during startup (${await child.exited})`);
    }),
  );
}

/**
 * Runs `step` until it succeeds, but gives up at once if a child dies. On timeout the error reads
 * "timed out after 60000 ms waiting for <what>".
 */
async function startupStep(children: readonly NodeChild[], what: string, step: () => Promise<boolean>) {
  const died = failOnExit(children);
  died.catch(() => undefined); // Only the race below needs the rejection; later exits are normal stops.
  const ready = waitFor(step, {
    timeoutMs: STARTUP_TIMEOUT_MS,
    intervalMs: STARTUP_POLL_INTERVAL_MS,
    message: what,
  });
  await Promise.race([ready, died]);
}

/**
 * The environment every service gets; each reads only its own variables. Metrics endpoints take
 * free ports, so several workers (and other Switchboards on the machine) do not collide on the defaults.
 */
async function createServiceEnvironment(options: SwitchboardStackOptions) {
  const [registryPort, routerPort, monitorPort, optimizerPort, resourceManagerPort] = await Promise.all([
    findFreePort(),
    findFreePort(),
    findFreePort(),
    findFreePort(),
    findFreePort(),
  ]);
  return {
    NATS_URL: options.natsUrl,
    DATABASE_URL: options.databaseUrl,
    SWITCHBOARD_NAMESPACE: options.namespace,
    REGISTRY_HOST: '127.0.0.1',
    REGISTRY_PORT: String(registryPort),
    // Where the optimizer applies canary verdicts.
    REGISTRY_ADDRESS: `127.0.0.1:${registryPort}`,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: String(routerPort),
    ROUTER_HTTP_HOST: '127.0.0.1',
    ROUTER_HTTP_PORT: '0',
    MONITOR_HOST: '127.0.0.1',
    MONITOR_PORT: String(monitorPort),
    OPTIMIZER_HOST: '127.0.0.1',
    OPTIMIZER_PORT: String(optimizerPort),
    RESOURCE_MANAGER_HOST: '127.0.0.1',
    RESOURCE_MANAGER_PORT: String(resourceManagerPort),
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
  };
}

/** Starts the registry, waits until its admin API answers, then provisions through it. */
async function startRegistry(
  options: SwitchboardStackOptions,
  environment: Record<string, string>,
  cleanup: CleanupStack,
): Promise<NodeChild> {
  const registry = startNodeChild('registry', mainOf('@switchboard/registry'), { environment });
  cleanup.add('registry process', () => registry.stop());
  const registryClient = createGrpcClient(RegistryService, `127.0.0.1:${environment['REGISTRY_PORT']}`);
  cleanup.add('registry client', async () => registryClient.close());
  await startupStep([registry], 'the registry to answer ListModels', async () => {
    await registryClient.listModels({});
    return true;
  });
  await options.provision(registryClient, cleanup);
  return registry;
}

/** Starts one process of a service and puts its stop on `cleanup`. */
function startService(
  name: string,
  packageName: string,
  environment: Record<string, string>,
  cleanup: CleanupStack,
) {
  const child = startNodeChild(name, mainOf(packageName), { environment });
  cleanup.add(`${name} process`, () => child.stop());
  return child;
}

/** Waits until the router reports every name in `names` ready. */
async function waitUntilReady(
  routerAddress: string,
  names: readonly string[],
  children: readonly NodeChild[],
  metadata: Readonly<Record<string, string>> = {},
) {
  const probe = createGrpcClient(GRPCInferenceService, routerAddress, { metadata: { ...metadata } });
  try {
    await startupStep(children, `the router to report ${names.join(', ')} ready`, async () => {
      const answers = await Promise.all(names.map((name) => probe.modelReady({ name })));
      return answers.every((answer) => answer.ready);
    });
  } finally {
    probe.close();
  }
}

/** Waits until the optimizer answers GetPolicy for every route in `routes` (it knows them from the registry). */
async function waitUntilOptimizerKnows(
  optimizerAddress: string,
  routes: readonly string[],
  children: readonly NodeChild[],
) {
  const probe = createGrpcClient(OptimizerService, optimizerAddress);
  try {
    await startupStep(children, `the optimizer to answer GetPolicy for ${routes.join(', ')}`, async () => {
      await Promise.all(routes.map((route) => probe.getPolicy({ route })));
      return true;
    });
  } finally {
    probe.close();
  }
}

/** Waits until the resource manager answers GetPlacement (it then holds its lease or is about to). */
async function waitUntilManagerAnswers(address: string, children: readonly NodeChild[]) {
  const probe = createGrpcClient(ResourceManagerService, address);
  try {
    await startupStep(children, 'the resource manager to answer GetPlacement', async () => {
      await probe.getPlacement({});
      return true;
    });
  } finally {
    probe.close();
  }
}

/**
 * Starts Switchboard as separate processes — registry, router, the given workers and optionally the
 * monitor, the optimizer and the resource manager (which may start workers of its own) — provisions it through the registry's admin API and waits until the router reports every
 * ready name ready. Every started part is added to `cleanup`, so an interrupted start is torn down
 * like a finished run.
 * @throws Error when a service exits during startup or the names are not ready within 60 s.
 */
export async function startSwitchboardStack(
  options: SwitchboardStackOptions,
  cleanup: CleanupStack,
): Promise<SwitchboardStack> {
  const environment = await createServiceEnvironment(options);
  const registry = await startRegistry(options, environment, cleanup);
  const routerEnvironment = { ...environment, ...options.routerEnvironment };
  const router = startService('router', '@switchboard/router', routerEnvironment, cleanup);
  const workers = options.workers.map((models, index) => {
    const name = options.workers.length === 1 ? 'worker' : `worker-${index + 1}`;
    return startService(
      name,
      '@switchboard/worker',
      { ...environment, WORKER_MODELS: models.join(',') },
      cleanup,
    );
  });
  const monitor =
    options.monitor === true ? [startService('monitor', '@switchboard/monitor', environment, cleanup)] : [];
  const optimizer =
    options.optimizer === undefined
      ? []
      : [startService('optimizer', '@switchboard/optimizer', environment, cleanup)];
  const resourceManager =
    options.resourceManager === undefined
      ? []
      : [
          startService(
            'resource-manager',
            '@switchboard/resource-manager',
            { ...environment, ...options.resourceManager.environment },
            cleanup,
          ),
        ];
  const children = [registry, router, ...workers, ...monitor, ...optimizer, ...resourceManager];
  const routerAddress = `127.0.0.1:${environment.ROUTER_PORT}`;
  const resourceManagerAddress =
    options.resourceManager === undefined ? undefined : `127.0.0.1:${environment.RESOURCE_MANAGER_PORT}`;
  if (resourceManagerAddress !== undefined) await waitUntilManagerAnswers(resourceManagerAddress, children);
  await waitUntilReady(routerAddress, options.readyNames, children, options.readyProbeMetadata);
  const optimizerAddress =
    options.optimizer === undefined ? undefined : `127.0.0.1:${environment.OPTIMIZER_PORT}`;
  if (options.optimizer !== undefined && optimizerAddress !== undefined) {
    await waitUntilOptimizerKnows(optimizerAddress, options.optimizer.routes, children);
  }
  return {
    routerAddress,
    processes: [router, ...workers].map(({ name, pid }) => ({ name, pid })),
    optimizerAddress,
    resourceManagerAddress,
  };
}
