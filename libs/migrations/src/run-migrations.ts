import type { Logger } from '@switchboard/logging';
import { runner } from 'node-pg-migrate';
import { grantApplicationRole } from './grant-application-role.js';

/** A service's SQL migrations and its own bookkeeping table: what it applies, and what `switchboard migrate` applies for it. */
export interface MigrationSet {
  /** Directory of the service's SQL migrations (`NNNN_name.sql` with Up/Down sections). */
  readonly directory: string;
  /**
   * The service's own bookkeeping table (e.g. `registry_migrations`), so services that share a
   * database run their own migration sets without seeing each other's files as missing.
   */
  readonly table: string;
}

export interface MigrationOptions extends MigrationSet {
  /** Where migrations run: the owner role's URL when an application role is given. */
  databaseUrl: string;
  /**
   * The least-privilege role the service itself connects as (DATABASE_URL's user when
   * DATABASE_MIGRATION_URL names the owner): after the migrations it gets DML on every table and
   * nothing else. Undefined: one role does both, nothing is granted.
   */
  applicationRole?: string;
  logger: Logger;
}

/**
 * Applies every pending migration in one transaction, logs and returns the names applied. Several
 * instances starting at once wait for each other on node-pg-migrate's advisory lock.
 * @throws Error (from node-pg-migrate or pg) when the database is unreachable or a migration fails.
 */
export async function runMigrations(options: MigrationOptions): Promise<string[]> {
  const { logger } = options;
  const applied = await runner({
    databaseUrl: options.databaseUrl,
    dir: options.directory,
    migrationsTable: options.table,
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
  const names = applied.map((migration) => migration.name);
  if (options.applicationRole !== undefined) {
    await grantApplicationRole(options.databaseUrl, options.applicationRole);
  }
  logger.info(
    { applied: names, table: options.table, applicationRole: options.applicationRole },
    'database migrations applied',
  );
  return names;
}
