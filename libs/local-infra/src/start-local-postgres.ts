import { join } from 'node:path';
import { startOnFreePort } from './free-port.js';
import { findPostgresBinaries } from './find-postgres-binaries.js';
import { InfrastructureUnavailableError } from './infrastructure-unavailable-error.js';
import { initPostgresCluster } from './init-postgres-cluster.js';
import { spawnLocalProcess } from './local-process.js';
import { probePostgresReady } from './probe-postgres-ready.js';
import { resolvePostgresUser } from './service-user.js';
import { createTemporaryDirectory } from './temporary-directory.js';
import { waitUntilReady } from './wait-until-ready.js';
import type { PostgresBinaries } from './find-postgres-binaries.js';
import type { LocalProcess } from './local-process.js';
import type { Logger } from './logger.js';
import type { ServiceUser } from './service-user.js';

/** How long initdb plus the first start may take on a slow CI machine. */
const DEFAULT_POSTGRES_START_TIMEOUT_MS = 30_000;

const HOST = '127.0.0.1';

/**
 * Settings for a cluster whose data is thrown away: durability only costs time here.
 * The socket lives in the data directory so it never collides with a system server's.
 */
function serverArgs(dataDirectory: string, port: number): string[] {
  const settings = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
  return [
    ...['-D', dataDirectory, '-p', String(port), '-h', HOST, '-k', dataDirectory],
    ...settings.flatMap((setting) => ['-c', setting]),
  ];
}

/** Options for {@link startLocalPostgres}. */
export interface LocalPostgresOptions {
  /** TCP port. @default a free port chosen by the kernel */
  readonly port?: number;
  /** Parent of the throwaway cluster directory; must be reachable by the `postgres` user when running as root. @default os.tmpdir() */
  readonly directory?: string;
  /** @default findPostgresBinaries() */
  readonly binaries?: PostgresBinaries;
  /** Applies to the server start after initdb. @default DEFAULT_POSTGRES_START_TIMEOUT_MS */
  readonly startTimeoutMs?: number;
  /** Receives initdb and server log lines. */
  readonly logger?: Logger;
}

/** A throwaway PostgreSQL cluster with a `postgres` superuser and trust authentication. */
export interface LocalPostgres extends LocalProcess {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  /**
   * Stops the server but keeps the cluster, so {@link LocalPostgres.restartServer} brings it back with
   * its data: a database outage for fault-injection tests.
   */
  stopServer(): Promise<void>;
  /**
   * Starts the server again on the same port and cluster (stopping it first if it runs) and resolves
   * once it accepts queries; `pid` is then the new process's.
   * @throws {LocalProcessStartError} when it exits early or is not ready in time (the port was taken meanwhile)
   */
  restartServer(): Promise<void>;
}

/** What to tell someone who has no PostgreSQL server binaries. */
export const POSTGRES_INSTALL_HINT =
  'Install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql; it provides initdb and postgres under /usr/lib/postgresql/<version>/bin) ' +
  'or set DATABASE_URL to a running server, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres.';

interface ClusterContext {
  readonly binaries: PostgresBinaries;
  readonly dataDirectory: string;
  readonly workingDirectory: string;
  readonly user: ServiceUser | undefined;
  readonly options: LocalPostgresOptions;
}

interface RunningServer {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

async function serveCluster(context: ClusterContext, port: number): Promise<RunningServer> {
  const server = await spawnLocalProcess({
    command: context.binaries.postgres,
    args: serverArgs(context.dataDirectory, port),
    cwd: context.workingDirectory,
    user: context.user,
    label: 'postgres',
    // SIGINT is PostgreSQL's "fast" shutdown: it disconnects clients instead of waiting for them (SIGTERM).
    stopSignal: 'SIGINT',
    logger: context.options.logger,
  });
  const timeoutMs = context.options.startTimeoutMs ?? DEFAULT_POSTGRES_START_TIMEOUT_MS;
  await waitUntilReady(server, () => probePostgresReady(context.dataDirectory), timeoutMs);
  return { pid: server.pid, port, stop: server.stop };
}

/**
 * Creates a cluster in a fresh temporary directory with initdb, starts it on 127.0.0.1 and
 * resolves once it accepts queries. When this process is root, both programs run as the
 * `postgres` user, because PostgreSQL refuses to run as root.
 * @throws {InfrastructureUnavailableError} when the binaries or the `postgres` user are missing
 * @throws {LocalProcessStartError} when initdb fails or the server does not come up in time
 */
export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const binaries = options.binaries ?? findPostgresBinaries();
  if (binaries === undefined) {
    throw new InfrastructureUnavailableError(
      `No PostgreSQL server binaries (initdb, postgres) found. ${POSTGRES_INSTALL_HINT}`,
      {
        services: ['postgres'],
      },
    );
  }
  const user = await resolvePostgresUser();
  const directory = await createTemporaryDirectory('switchboard-postgres-', options.directory, user);
  try {
    const dataDirectory = join(directory.path, 'data');
    const context = { binaries, dataDirectory, workingDirectory: directory.path, user, options };
    await initPostgresCluster({
      initdb: binaries.initdb,
      dataDirectory,
      workingDirectory: directory.path,
      user,
      logger: options.logger,
    });
    let server = await startOnFreePort(options.port, (port) => serveCluster(context, port));
    let stopping: Promise<void> | undefined;
    // The cluster outlives a server start that lost a port race and restarts, so only the final stop removes it.
    const stop = (): Promise<void> => (stopping ??= server.stop().then(directory.remove));
    return {
      get pid() {
        return server.pid;
      },
      directory: directory.path,
      url: `postgres://postgres@${HOST}:${server.port}/postgres`,
      stopServer: () => server.stop(),
      restartServer: async () => {
        await server.stop();
        server = await serveCluster(context, server.port);
      },
      stop,
    };
  } catch (error: unknown) {
    await directory.remove();
    throw error;
  }
}
