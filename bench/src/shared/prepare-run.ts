import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { provideInfrastructure } from '@switchboard/local-infra';
import { deleteNamespaceStreams } from '@switchboard/nats';
import type { CleanupStack } from './cleanup-stack.js';
import { reportProgress } from './report-progress.js';

/** Where the infrastructure comes from; empty strings mean "start a throwaway one". */
export interface BenchEnvironment {
  readonly natsUrl: string;
  readonly databaseUrl: string;
}

/** NATS and Postgres for one run, this run's namespace and the bench's own NATS connection. */
export interface RunContext {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly namespace: string;
  readonly connection: NatsConnection;
  /** One line on where NATS and Postgres come from, e.g. `NATS env, Postgres local`. */
  readonly infrastructure: string;
}

/** Lowercase alphanumerics starting with a letter: valid as a Switchboard namespace and a subject token. */
function createNamespace(): string {
  return `bench${BigInt(`0x${randomBytes(5).toString('hex')}`).toString(36)}`;
}

/** Shows what local-infra did, but not the servers' own log lines (prefixed `[nats]`, `[postgres]`). */
function reportInfrastructure(line: string): void {
  if (!line.startsWith('[')) reportProgress(line);
}

/**
 * Provides NATS and Postgres (the given ones, or throwaway ones from local binaries), picks a fresh
 * namespace and connects to NATS as `connectionName`. Adds to `cleanup`: stopping throwaway
 * servers, closing the connection and deleting the namespace's streams.
 * @throws InfrastructureUnavailableError (local-infra) when NATS or Postgres can be neither found nor started.
 */
export async function prepareRun(
  environment: BenchEnvironment,
  connectionName: string,
  cleanup: CleanupStack,
): Promise<RunContext> {
  const infrastructure = await provideInfrastructure({ ...environment, logger: reportInfrastructure });
  cleanup.add('infrastructure', () => infrastructure.stop());
  const { natsUrl, databaseUrl } = infrastructure;
  const namespace = createNamespace();
  reportProgress(`namespace ${namespace}, NATS ${natsUrl}`);
  // Async traces cost two stack captures per request; the bench's own requests should be lean.
  const connection = await connect({ servers: natsUrl, name: connectionName, noAsyncTraces: true });
  cleanup.add('bench NATS connection', () => connection.close());
  cleanup.add('namespace streams', async () => {
    const deleted = await deleteNamespaceStreams(connection, namespace);
    reportProgress(`deleted streams: ${deleted.join(', ') || 'none'}`);
  });
  const { nats, postgres } = infrastructure.source;
  return {
    natsUrl,
    databaseUrl,
    namespace,
    connection,
    infrastructure: `NATS ${nats}, Postgres ${postgres}`,
  };
}
