import { readMigrationTarget } from '@switchboard/config';
import { createLogger } from '@switchboard/logging';
import { runMigrations } from '@switchboard/migrations';
import type { MigrationSet } from '@switchboard/migrations';
import { MONITOR_MIGRATIONS } from '@switchboard/monitor/migrations';
import { OPTIMIZER_MIGRATIONS } from '@switchboard/optimizer/migrations';
import { REGISTRY_MIGRATIONS } from '@switchboard/registry/migrations';
import type { CommandRegistration } from '../run-cli.js';

/** A service's migrations, named for the command's output. */
interface NamedMigrationSet extends MigrationSet {
  readonly service: string;
}

/**
 * Every service that keeps tables, in the order they are migrated, each with the set it applies
 * itself at start (`DATABASE_MIGRATIONS=apply`); the resource manager only reads the monitor's.
 */
function migrationSets(): NamedMigrationSet[] {
  return [
    { service: 'registry', ...REGISTRY_MIGRATIONS },
    { service: 'monitor', ...MONITOR_MIGRATIONS },
    { service: 'optimizer', ...OPTIMIZER_MIGRATIONS },
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
