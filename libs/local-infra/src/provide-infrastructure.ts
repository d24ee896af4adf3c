import { findBinary } from './find-binary.js';
import { findPostgresBinaries } from './find-postgres-binaries.js';
import { InfrastructureUnavailableError } from './infrastructure-unavailable-error.js';
import { startContainer as startContainerWithTestcontainers } from './start-container.js';
import { NATS_INSTALL_HINT, startLocalNats } from './start-local-nats.js';
import { POSTGRES_INSTALL_HINT, startLocalPostgres } from './start-local-postgres.js';
import type { BinaryLookup } from './find-binary.js';
import type { InfrastructureService } from './infrastructure-unavailable-error.js';
import type { Logger } from './logger.js';
import type { NatsUsers } from './nats-users.js';
import type { ContainerStarter } from './start-container.js';

/** Where a service came from: a URL the caller gave, a local binary, or a container. */
export type InfrastructureSource = 'env' | 'local' | 'container';

/** Options for {@link provideInfrastructure}. */
export interface InfrastructureOptions {
  /** An existing NATS server with JetStream (callers pass `NATS_URL`). Empty means not given. */
  readonly natsUrl?: string;
  /** An existing PostgreSQL database (callers pass `DATABASE_URL`). Empty means not given. */
  readonly databaseUrl?: string;
  /** Receives progress and server log lines. */
  readonly logger?: Logger;
  /** Parent of the throwaway data directories. @default os.tmpdir() */
  readonly directory?: string;
  /** How binaries are found; tests replace it to simulate a bare machine. @default findBinary */
  readonly findBinary?: BinaryLookup;
  /** How containers are started; tests replace it to simulate a machine without Docker. @default testcontainers */
  readonly startContainer?: ContainerStarter;
  /** Users a throwaway nats-server starts with (not applied to a given URL or a container). */
  readonly natsUsers?: NatsUsers;
}

/** NATS and PostgreSQL, ready to use. */
export interface Infrastructure {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly source: { readonly nats: InfrastructureSource; readonly postgres: InfrastructureSource };
  /** Stops whatever {@link provideInfrastructure} started; given URLs are left alone. Idempotent. */
  stop(): Promise<void>;
}

interface ProvidedService {
  readonly url: string;
  readonly source: InfrastructureSource;
  stop(): Promise<void>;
}

type LocalStarter = () => Promise<{ url: string; stop(): Promise<void> }>;

interface ServicePlan {
  readonly service: InfrastructureService;
  readonly givenUrl: string | undefined;
  /** Looks for the binaries only when needed; returns undefined when they are not installed. */
  readonly findLocalStarter: () => LocalStarter | undefined;
  readonly description: string;
  readonly installHint: string;
}

function planServices(options: InfrastructureOptions): [ServicePlan, ServicePlan] {
  const lookup = options.findBinary ?? ((name: string) => findBinary(name));
  const common = { directory: options.directory, logger: options.logger };
  const nats: ServicePlan = {
    service: 'nats',
    givenUrl: options.natsUrl,
    findLocalStarter: () => {
      const binary = lookup('nats-server');
      return binary === undefined
        ? undefined
        : () => startLocalNats({ ...common, binary, users: options.natsUsers });
    },
    description: 'NATS with JetStream: no NATS URL was given, no nats-server binary was found',
    installHint: NATS_INSTALL_HINT,
  };
  const postgres: ServicePlan = {
    service: 'postgres',
    givenUrl: options.databaseUrl,
    findLocalStarter: () => {
      const binaries = findPostgresBinaries(lookup);
      return binaries === undefined ? undefined : () => startLocalPostgres({ ...common, binaries });
    },
    description: 'PostgreSQL: no database URL was given, no initdb/postgres binaries were found',
    installHint: POSTGRES_INSTALL_HINT,
  };
  return [nats, postgres];
}

async function provideService(
  plan: ServicePlan,
  startContainer: ContainerStarter,
  logger?: Logger,
): Promise<ProvidedService> {
  if (plan.givenUrl !== undefined && plan.givenUrl !== '') {
    return { url: plan.givenUrl, source: 'env', stop: async () => undefined };
  }
  const startLocal = plan.findLocalStarter();
  if (startLocal !== undefined) {
    const local = await startLocal();
    logger?.(`started a throwaway ${plan.service} at ${local.url}`);
    return { url: local.url, source: 'local', stop: local.stop };
  }
  try {
    const container = await startContainer(plan.service);
    logger?.(`started a ${plan.service} container at ${container.url}`);
    return { url: container.url, source: 'container', stop: container.stop };
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `Cannot provide ${plan.description} and no container could be started (${reason}). ${plan.installHint}`;
    throw new InfrastructureUnavailableError(message, { services: [plan.service], cause: error });
  }
}

function combineFailures(failures: unknown[]): unknown {
  const [first] = failures;
  if (failures.length === 1) return first;
  if (failures.every((failure) => failure instanceof InfrastructureUnavailableError)) {
    const message = failures.map((failure) => failure.message).join('\n');
    const services = failures.flatMap((failure) => failure.services);
    return new InfrastructureUnavailableError(message, { services, cause: new AggregateError(failures) });
  }
  return new AggregateError(failures, 'Could not provide NATS and PostgreSQL');
}

async function stopAll(services: readonly ProvidedService[], logger?: Logger): Promise<void> {
  const results = await Promise.allSettled(services.map((service) => service.stop()));
  for (const result of results) {
    // The start failure is what the caller needs; a cleanup failure is only worth a log line.
    if (result.status === 'rejected') {
      logger?.(`cleanup after a failed start failed: ${String(result.reason)}`);
    }
  }
}

/**
 * Provides NATS (JetStream) and PostgreSQL, each from the first source that works: the URL
 * the caller gives, a throwaway server from local binaries, a testcontainers container.
 * Both are provided in parallel; if either fails, the other is stopped before throwing.
 * This function never reads the environment: callers pass `NATS_URL` / `DATABASE_URL`.
 * @throws {InfrastructureUnavailableError} when a service has no URL, no binary and no container runtime
 * @throws {LocalProcessStartError} when a binary exists but its server does not start
 */
export async function provideInfrastructure(options: InfrastructureOptions = {}): Promise<Infrastructure> {
  const startContainer = options.startContainer ?? startContainerWithTestcontainers;
  const plans = planServices(options);
  const results = await Promise.allSettled(
    plans.map((plan) => provideService(plan, startContainer, options.logger)),
  );
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failures = results.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  const [nats, postgres] = started;
  if (failures.length > 0 || nats === undefined || postgres === undefined) {
    await stopAll(started, options.logger);
    throw combineFailures(failures);
  }
  let stopping: Promise<void> | undefined;
  return {
    natsUrl: nats.url,
    databaseUrl: postgres.url,
    source: { nats: nats.source, postgres: postgres.source },
    stop: () => (stopping ??= Promise.all([nats.stop(), postgres.stop()]).then(() => undefined)),
  };
}
