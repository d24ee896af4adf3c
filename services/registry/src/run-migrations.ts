import { fileURLToPath } from 'node:url';
import type { Logger } from '@switchboard/logging';
import { runner } from 'node-pg-migrate';

/** The SQL migrations shipped with the package, next to dist/ (resolved here, not from the cwd). */
const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Its own bookkeeping table, so that other services owning tables in the same database (the
 * monitor's rollups) can run their own migration sets without clashing.
 */
const MIGRATIONS_TABLE = 'registry_migrations';

/**
 * Applies every pending migration in migrations/ in one transaction and returns the names applied.
 * Several registries starting at once wait for each other on node-pg-migrate's advisory lock.
 * @throws Error (from node-pg-migrate or pg) when the database is unreachable or a migration fails.
 */
export async function runMigrations(databaseUrl: string, logger: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIRECTORY,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    // node-pg-migrate logs to console unless given a logger; its chatter is detail for us.
    logger: {
      debug: (message: string) => logger.debug(message),
      info: (message: string) => logger.debug(message),
      warn: (message: string) => logger.warn(message),
      error: (message: string) => logger.error(message),
    },
  });
  return applied.map((migration) => migration.name);
}
