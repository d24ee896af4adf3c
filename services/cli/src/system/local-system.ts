import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { provideInfrastructure } from '@switchboard/local-infra';
import type { Infrastructure, NatsUsers } from '@switchboard/local-infra';
import { startServiceProcess } from '@switchboard/service-runner';
import type { ServiceProcess } from '@switchboard/service-runner';
import type { Writer } from '../command-context.js';

const STOP_GRACE_MS = 10_000;

/** Options for {@link startLocalSystem}. */
export interface LocalSystemOptions {
  /** NATS to use; undefined starts a throwaway nats-server (or a container). */
  readonly natsUrl: string | undefined;
  /** Postgres to use; undefined starts a throwaway cluster (or a container). */
  readonly databaseUrl: string | undefined;
  /** SWITCHBOARD_NAMESPACE of every service. */
  readonly namespace: string;
  /** Absolute directory for infrastructure.log and one `<service>.log` per service; created if missing. */
  readonly logDirectory: string;
  /** Where the one line saying which NATS and Postgres are used goes. */
  readonly out: Writer;
  /** Users (with subject permissions) of the throwaway nats-server, if one is started. @default none */
  readonly natsUsers?: NatsUsers;
}

/** NATS and Postgres plus the service processes started on them. */
export interface LocalSystem {
  /** The services started so far, in start order. */
  readonly services: readonly ServiceProcess[];
  /**
   * Starts `node <packageName>/dist/main.js` with the shared environment (NATS_URL, DATABASE_URL,
   * SWITCHBOARD_NAMESPACE, LOG_LEVEL=info) plus `environment`, logging to `<logDirectory>/<name>.log`.
   */
  startService(name: string, packageName: string, environment: Record<string, string>): ServiceProcess;
  /** Stops the services, last started first (each gets 10 s to drain), then the infrastructure. */
  stop(): Promise<void>;
}

/**
 * Provides NATS and Postgres (from the given URLs, else throwaway local servers, else containers)
 * and says on `out` where they come from.
 * @throws Error from local-infra when neither is given and none can be started.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  mkdirSync(options.logDirectory, { recursive: true });
  const infrastructureLog = createWriteStream(join(options.logDirectory, 'infrastructure.log'), {
    flags: 'a',
  });
  const infrastructure = await provideInfrastructure({
    natsUrl: options.natsUrl,
    databaseUrl: options.databaseUrl,
    natsUsers: options.natsUsers,
    logger: (line) => infrastructureLog.write(`${line}\n`),
  });
  options.out.write(describeInfrastructure(infrastructure));
  const shared = {
    NATS_URL: infrastructure.natsUrl,
    DATABASE_URL: infrastructure.databaseUrl,
    SWITCHBOARD_NAMESPACE: options.namespace,
    LOG_LEVEL: 'info',
  };
  const services: ServiceProcess[] = [];
  return {
    services,
    startService(name, packageName, environment) {
      const service = startServiceProcess(
        name,
        import.meta.resolve(packageName),
        { ...shared, ...environment },
        options.logDirectory,
      );
      services.push(service);
      return service;
    },
    async stop() {
      await Promise.all([...services].reverse().map((service) => service.stop(STOP_GRACE_MS)));
      await infrastructure.stop();
      infrastructureLog.end();
    },
  };
}

/** Which NATS and Postgres are used, and whether they were given or started here. */
function describeInfrastructure({ natsUrl, source }: Infrastructure): string {
  const given = source.nats === 'env' && source.postgres === 'env';
  return (
    `NATS ${natsUrl} (${source.nats}), Postgres (${source.postgres}); ` +
    (given ? 'from NATS_URL / DATABASE_URL\n' : 'throwaway where not given\n')
  );
}
