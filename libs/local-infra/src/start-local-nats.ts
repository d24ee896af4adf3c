import { startOnFreePort } from './free-port.js';
import { findBinary } from './find-binary.js';
import { InfrastructureUnavailableError } from './infrastructure-unavailable-error.js';
import { spawnLocalProcess } from './local-process.js';
import { probeNatsJetStream } from './probe-nats-jetstream.js';
import { createTemporaryDirectory } from './temporary-directory.js';
import { waitUntilReady } from './wait-until-ready.js';
import type { LocalProcess, SpawnedProcess } from './local-process.js';
import type { Logger } from './logger.js';
import { natsPasswordVariable } from './nats-users.js';
import type { NatsUsers } from './nats-users.js';

/** How long a fresh nats-server may take to accept clients (it usually takes ~20 ms). */
const DEFAULT_NATS_START_TIMEOUT_MS = 10_000;

const HOST = '127.0.0.1';

/** Options for {@link startLocalNats}. */
export interface LocalNatsOptions {
  /** Client port. @default a free port chosen by the kernel */
  readonly port?: number;
  /** Parent of the throwaway JetStream store directory. @default os.tmpdir() */
  readonly directory?: string;
  /** Path of the nats-server binary. @default findBinary('nats-server') */
  readonly binary?: string;
  /** @default DEFAULT_NATS_START_TIMEOUT_MS */
  readonly startTimeoutMs?: number;
  /** Receives the server's log lines. */
  readonly logger?: Logger;
  /** Users with subject permissions (infra/nats/users.conf) and their passwords. @default none: anyone may connect */
  readonly users?: NatsUsers;
}

/** A throwaway nats-server with JetStream. */
export interface LocalNats extends LocalProcess {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  /**
   * Stops the server but keeps its JetStream store, so {@link LocalNats.restartServer} brings back its
   * streams, consumers and unacknowledged messages: a NATS outage for fault-injection tests.
   */
  stopServer(): Promise<void>;
  /**
   * Starts the server again on the same port and store (stopping it first if it runs) and resolves
   * once it accepts clients; `pid` is then the new process's.
   * @throws {LocalProcessStartError} when it exits early or is not ready in time (the port was taken meanwhile)
   */
  restartServer(): Promise<void>;
}

/** What to tell someone who has no nats-server binary. */
export const NATS_INSTALL_HINT =
  'Install nats-server (Debian/Ubuntu: apt-get install nats-server; elsewhere: https://github.com/nats-io/nats-server/releases) ' +
  'or set NATS_URL to a running server with JetStream enabled, e.g. NATS_URL=nats://127.0.0.1:4222.';

function passwordEnvironment(users: NatsUsers): Record<string, string> {
  return Object.fromEntries(
    Object.entries(users.passwords).map(([user, password]) => [natsPasswordVariable(user), password]),
  );
}

async function startOnPort(binary: string, port: number, options: LocalNatsOptions): Promise<LocalNats> {
  const directory = await createTemporaryDirectory('switchboard-nats-', options.directory);
  const launch = async (): Promise<SpawnedProcess> => {
    const server = await spawnLocalProcess({
      command: binary,
      // Flags win over the config file, so users.conf adds users and leaves address and store alone.
      args: [
        ...(options.users === undefined ? [] : ['-c', options.users.configFile]),
        ...['-a', HOST, '-p', String(port), '-js', '-sd', directory.path],
      ],
      environment: options.users === undefined ? undefined : passwordEnvironment(options.users),
      cwd: directory.path,
      label: 'nats',
      logger: options.logger,
    });
    await waitUntilReady(
      server,
      () => probeNatsJetStream(HOST, port),
      options.startTimeoutMs ?? DEFAULT_NATS_START_TIMEOUT_MS,
    );
    return server;
  };
  try {
    let server = await launch();
    let stopping: Promise<void> | undefined;
    // The store outlives restarts, so only the final stop removes it.
    return {
      get pid() {
        return server.pid;
      },
      directory: directory.path,
      url: `nats://${HOST}:${port}`,
      stopServer: () => server.stop(),
      restartServer: async () => {
        await server.stop();
        server = await launch();
      },
      stop: () => (stopping ??= server.stop().then(directory.remove)),
    };
  } catch (error: unknown) {
    await directory.remove();
    throw error;
  }
}

/**
 * Starts `nats-server -js` on 127.0.0.1 with its store in a fresh temporary directory and
 * resolves once it accepts clients with JetStream enabled.
 * @throws {InfrastructureUnavailableError} when no nats-server binary is found
 * @throws {LocalProcessStartError} when the server exits early or is not ready in time
 */
export async function startLocalNats(options: LocalNatsOptions = {}): Promise<LocalNats> {
  const binary = options.binary ?? findBinary('nats-server');
  if (binary === undefined) {
    throw new InfrastructureUnavailableError(`No nats-server binary found. ${NATS_INSTALL_HINT}`, {
      services: ['nats'],
    });
  }
  return startOnFreePort(options.port, (port) => startOnPort(binary, port, options));
}
