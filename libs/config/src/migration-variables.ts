import { envUrl } from './env-readers.js';
import { ConfigError, urlVariable } from './parse-config.js';

/**
 * `DATABASE_MIGRATION_URL`: the Postgres URL of the role that owns the schema and runs migrations.
 * When set, `DATABASE_URL` names a least-privilege application role (DML only), which the
 * migrations grant what the service needs. Unset: `DATABASE_URL`'s role does both.
 * @default unset
 */
export const databaseMigrationUrlVariable = {
  DATABASE_MIGRATION_URL: urlVariable(
    envUrl(['postgres:', 'postgresql:']),
    'postgres://switchboard_owner:secret@127.0.0.1:5432/switchboard',
  ),
};

/** Where a service runs its migrations, and the role it then grants DML to. */
export interface MigrationTarget {
  /** The owner's URL, or DATABASE_URL when one role does both. */
  readonly databaseUrl: string;
  /** DATABASE_URL's user when the owner is another role; undefined otherwise. */
  readonly applicationRole?: string;
}

/**
 * The migration target from DATABASE_URL and DATABASE_MIGRATION_URL.
 * @throws ConfigError when DATABASE_MIGRATION_URL is set but DATABASE_URL names no user, or the same user.
 */
export function readMigrationTarget(values: {
  DATABASE_URL: string;
  DATABASE_MIGRATION_URL: string | undefined;
}): MigrationTarget {
  if (values.DATABASE_MIGRATION_URL === undefined) return { databaseUrl: values.DATABASE_URL };
  const applicationRole = decodeURIComponent(new URL(values.DATABASE_URL).username);
  const owner = decodeURIComponent(new URL(values.DATABASE_MIGRATION_URL).username);
  if (applicationRole === '' || applicationRole === owner) {
    throw new ConfigError([
      'DATABASE_MIGRATION_URL is set, so DATABASE_URL must name the application role, a user other than ' +
        `the owner's (example: DATABASE_URL=postgres://switchboard_app:secret@127.0.0.1:5432/switchboard)`,
    ]);
  }
  return { databaseUrl: values.DATABASE_MIGRATION_URL, applicationRole };
}
