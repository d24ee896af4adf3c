import postgres from 'postgres';
import { createTestNamespace } from './create-test-namespace.js';

/** A database that exists only for one test file. */
export interface TestDatabase {
  /** The database name, e.g. `tdb3kq0v9z1x8m`. */
  readonly name: string;
  /** The server URL with its path replaced by this database. */
  readonly url: string;
  /** Disconnects every session of the database and drops it. Idempotent. */
  drop(): Promise<void>;
}

/** Options for {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /** Readable part of the database name. @default 'db' */
  readonly label?: string;
}

async function withAdminConnection(
  serverUrl: string,
  work: (sql: postgres.Sql) => Promise<unknown>,
): Promise<void> {
  // Notices such as "database does not exist, skipping" would otherwise go to console.log.
  const sql = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await work(sql);
  } finally {
    await sql.end();
  }
}

function toDatabaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates a fresh, empty database on the server of `serverUrl`. A database per test file
 * keeps migrations and fixtures apart more simply than schemas, since migration tools
 * assume they own the `public` schema.
 * @param serverUrl any database URL on the server; its credentials must allow CREATE DATABASE
 */
export async function createTestDatabase(
  serverUrl: string,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const name = createTestNamespace(options.label ?? 'db');
  await withAdminConnection(serverUrl, (sql) => sql`create database ${sql(name)}`);
  let dropping: Promise<void> | undefined;
  // WITH (FORCE) (PostgreSQL 13+) terminates the remaining sessions in the same statement,
  // so a pool the test forgot to close cannot reconnect between a terminate and the drop.
  const drop = (): Promise<void> =>
    (dropping ??= withAdminConnection(
      serverUrl,
      (sql) => sql`drop database if exists ${sql(name)} with (force)`,
    ));
  return { name, url: toDatabaseUrl(serverUrl, name), drop };
}
