import { fileURLToPath } from 'node:url';
import { readMigrationTarget } from '@switchboard/config';
import { createLogger } from '@switchboard/logging';
import { runMigrations } from '@switchboard/migrations';
import type { CommandRegistration } from '../run-cli.js';

/** A service's SQL migrations: the package that ships them and its own bookkeeping table. */
export interface MigrationSet {
  readonly service: string;
  readonly directory: string;
  readonly table: string;
}

/**
 * Every service that keeps tables, in the order they are migrated, with the bookkeeping table each
 * uses when it migrates at start (`DATABASE_MIGRATIONS=apply`); the resource manager only reads the
 * monitor's. A package's migrations sit next to its dist/, as the service itself resolves them.
 */
export function migrationSets(): MigrationSet[] {
  const set = (service: string, packageName: string): MigrationSet => ({
    service,
    directory: fileURLToPath(new URL('../migrations', import.meta.resolve(packageName))),
    table: `${service}_migrations`,
  });
  return [
    set('registry', '@switchboard/registry'),
    set('monitor', '@switchboard/monitor'),
    set('optimizer', '@switchboard/optimizer'),
  ];
}

/**
 * Adds `migrate`: applies every service's pending migrations as the schema owner
 * (DATABASE_MIGRATION_URL) and grants DATABASE_URL's role DML on the tables, then exits. Run once
 * before services started with `DATABASE_MIGRATIONS=skip`, which then connect as that role only.
 * Without DATABASE_MIGRATION_URL, DATABASE_URL's role migrates and nothing is granted.
 */
export const registerMigrateCommand: CommandRegistration = (program, context) => {
  program
    .command('migrate')
    .description(
      "apply every service's database migrations as the owner (DATABASE_MIGRATION_URL) and grant DATABASE_URL's role DML",
    )
    .action(async () => {
      const { databaseUrl, databaseMigrationUrl } = context.config;
      if (databaseUrl === undefined) {
        throw new Error(
          'migrate needs DATABASE_URL (the role the services connect as) and, for a separate owner, DATABASE_MIGRATION_URL',
        );
      }
      const target = readMigrationTarget({
        DATABASE_URL: databaseUrl,
        DATABASE_MIGRATION_URL: databaseMigrationUrl,
      });
      const logger = createLogger({ service: 'cli', level: 'warn' });
      for (const set of migrationSets()) {
        const applied = await runMigrations({
          ...target,
          directory: set.directory,
          table: set.table,
          logger,
        });
        context.io.stdout.write(
          `${set.service}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}\n`,
        );
      }
      context.io.stdout.write(
        target.applicationRole === undefined
          ? 'migrations done; one role owns and uses the tables\n'
          : `migrations done; ${target.applicationRole} may read and write the tables, nothing more\n`,
      );
    });
};
