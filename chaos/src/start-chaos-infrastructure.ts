import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { startLocalNats, startLocalPostgres } from '@switchboard/local-infra';
import type { LocalNats, LocalPostgres } from '@switchboard/local-infra';

/**
 * The suite's own nats-server (JetStream) and Postgres, on free loopback ports: scenarios stop and
 * restart them, which must hurt nobody else's NATS_URL / DATABASE_URL.
 */
export interface ChaosInfrastructure {
  readonly nats: LocalNats;
  readonly postgres: LocalPostgres;
  stop(): Promise<void>;
}

/**
 * Starts both, their log lines appended to `<logDirectory>/infrastructure.log`.
 * @throws InfrastructureUnavailableError when nats-server or the PostgreSQL binaries are missing.
 */
export async function startChaosInfrastructure(logDirectory: string): Promise<ChaosInfrastructure> {
  const log = createWriteStream(join(logDirectory, 'infrastructure.log'), { flags: 'a' });
  const logger = (line: string) => log.write(`${line}\n`);
  const nats = await startLocalNats({ logger });
  let postgres: LocalPostgres;
  try {
    postgres = await startLocalPostgres({ logger });
  } catch (error) {
    await nats.stop();
    throw error;
  }
  return {
    nats,
    postgres,
    async stop() {
      await Promise.allSettled([nats.stop(), postgres.stop()]);
      log.end();
    },
  };
}
