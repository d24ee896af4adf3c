import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createTestNamespace } from './create-test-namespace.js';

/** A login role that exists only for one test file. */
export interface TestRole {
  readonly name: string;
  readonly password: string;
  /** `databaseUrl` with this role's name and password as its credentials. */
  urlFor(databaseUrl: string): string;
  /** Drops what the role owns and the role. Idempotent; drop its databases first. */
  drop(): Promise<void>;
}

/** Options for {@link createTestRole}. */
export interface TestRoleOptions {
  /** Readable part of the role name. @default 'role' */
  readonly label?: string;
  /** @default random */
  readonly password?: string;
  /** A database the role is made the owner of (so it may create tables in its public schema). */
  readonly ownerOf?: string;
}

async function withServer(serverUrl: string, work: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await work(sql);
  } finally {
    await sql.end();
  }
}

/**
 * Creates a LOGIN role with a password on the server of `serverUrl` (whose credentials must allow
 * CREATE ROLE). Role and database names come from createTestNamespace, so quoting is safe.
 */
export async function createTestRole(serverUrl: string, options: TestRoleOptions = {}): Promise<TestRole> {
  const name = createTestNamespace(options.label ?? 'role');
  const password = options.password ?? randomBytes(16).toString('hex');
  await withServer(serverUrl, async (sql) => {
    await sql.unsafe(`CREATE ROLE ${name} LOGIN PASSWORD '${password.replaceAll("'", "''")}'`);
    if (options.ownerOf !== undefined) await sql.unsafe(`ALTER DATABASE ${options.ownerOf} OWNER TO ${name}`);
  });
  let dropping: Promise<void> | undefined;
  return {
    name,
    password,
    urlFor(databaseUrl) {
      const url = new URL(databaseUrl);
      url.username = name;
      url.password = password;
      return url.toString();
    },
    drop: () => (dropping ??= withServer(serverUrl, (sql) => sql.unsafe(`DROP ROLE IF EXISTS ${name}`))),
  };
}
