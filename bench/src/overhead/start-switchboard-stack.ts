import { fileURLToPath } from 'node:url';
import { createGrpcClient } from '@switchboard/grpc';
import { waitFor } from '@switchboard/local-infra';
import { RegistryService } from '@switchboard/protocol';
import type { CleanupStack } from './cleanup-stack.js';
import type { WatchedProcess } from './cpu-usage.js';
import { findFreePort } from './find-free-port.js';
import { startNodeChild } from './node-child.js';
import type { NodeChild } from './node-child.js';
import { createOipClient } from './oip-client.js';
import { MODEL_NAME } from './oip-proto.js';
import { deleteNoopModel, registerNoopModel } from './register-noop-model.js';

/** A started Switchboard: where the router listens and the processes on the request path. */
export interface SwitchboardStack {
  /** The router's OIP address, 127.0.0.1:port. */
  readonly routerAddress: string;
  /** Router and worker; the registry is idle while requests flow. */
  readonly processes: readonly WatchedProcess[];
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

/** The environment all three services get; each reads only its own variables. */
function createServiceEnvironment(
  options: SwitchboardStackOptions,
  registryPort: number,
  routerPort: number,
) {
  return {
    NATS_URL: options.natsUrl,
    DATABASE_URL: options.databaseUrl,
    SWITCHBOARD_NAMESPACE: options.namespace,
    REGISTRY_HOST: '127.0.0.1',
    REGISTRY_PORT: String(registryPort),
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: String(routerPort),
    WORKER_MODELS: MODEL_NAME,
    LOG_LEVEL: 'warn',
  };
}

/** Starts the registry and registers `noop` through its admin API, retrying until it listens. */
async function startRegistry(environment: Record<string, string>, cleanup: CleanupStack): Promise<NodeChild> {
  const registry = startNodeChild('registry', mainOf('@switchboard/registry'), { environment });
  cleanup.add('registry process', () => registry.stop());
  const registryClient = createGrpcClient(RegistryService, `127.0.0.1:${environment['REGISTRY_PORT']}`);
  cleanup.add('registry client', async () => registryClient.close());
  let created = false;
  await startupStep([registry], 'the registry to accept the noop model', async () => {
    created = await registerNoopModel(registryClient);
    return true;
  });
  if (created) cleanup.add('deleting model noop from the registry', () => deleteNoopModel(registryClient));
  return registry;
}

/**
 * Starts Switchboard as three processes (registry, router, worker serving `noop`), registers the
 * no-op synthetic model and waits until the router says ModelReady. Every started part is added to
 * `cleanup`, so an interrupted start is torn down like a finished run.
 * @throws Error when a service exits or the model is not ready within 60 s.
 */
export async function startSwitchboardStack(
  options: SwitchboardStackOptions,
  cleanup: CleanupStack,
): Promise<SwitchboardStack> {
  const [registryPort, routerPort] = await Promise.all([findFreePort(), findFreePort()]);
  const environment = createServiceEnvironment(options, registryPort, routerPort);
  const registry = await startRegistry(environment, cleanup);
  const router = startNodeChild('router', mainOf('@switchboard/router'), { environment });
  cleanup.add('router process', () => router.stop());
  const worker = startNodeChild('worker', mainOf('@switchboard/worker'), { environment });
  cleanup.add('worker process', () => worker.stop());
  const routerAddress = `127.0.0.1:${routerPort}`;
  const probe = createOipClient(routerAddress);
  try {
    await startupStep([registry, router, worker], 'the router to report noop ready', () =>
      probe.modelReady(MODEL_NAME),
    );
  } finally {
    probe.close();
  }
  return { routerAddress, processes: [router, worker].map(({ name, pid }) => ({ name, pid })) };
}
