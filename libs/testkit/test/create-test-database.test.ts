import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../src/create-test-database.js';
import { testInfrastructure } from '../src/test-infrastructure.js';

describe('createTestDatabase', () => {
  const { databaseUrl } = testInfrastructure();
  let admin: postgres.Sql;
  beforeAll(() => {
    admin = postgres(databaseUrl, { max: 1 });
  });
  afterAll(async () => {
    await admin.end();
  });

  async function databaseExists(name: string): Promise<boolean> {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    return rows.length === 1;
  }

  it('creates an empty database reachable through the returned URL', async () => {
    const database = await createTestDatabase(databaseUrl, { label: 'create' });
    const sql = postgres(database.url, { max: 1 });
    try {
      const [row] = await sql<{ name: string }[]>`select current_database() as name`;
      const tables = await sql`select 1 from information_schema.tables where table_schema = 'public'`;

      expect(row?.name).toBe(database.name);
      expect(tables).toHaveLength(0);
    } finally {
      await sql.end();
      await database.drop();
    }
  });

  it('drops the database even while a client is still connected to it', async () => {
    const database = await createTestDatabase(databaseUrl, { label: 'drop' });
    const forgotten = postgres(database.url, { max: 1 });
    await forgotten`create table jobs (id int primary key)`;

    await Promise.all([database.drop(), database.drop()]);
    await forgotten.end({ timeout: 0 });

    expect(await databaseExists(database.name)).toBe(false);
  });

  it('gives every call its own database', async () => {
    const [first, second] = await Promise.all([
      createTestDatabase(databaseUrl),
      createTestDatabase(databaseUrl),
    ]);
    try {
      expect(first.name).not.toBe(second.name);
      expect(await databaseExists(first.name)).toBe(true);
      expect(await databaseExists(second.name)).toBe(true);
    } finally {
      await Promise.all([first.drop(), second.drop()]);
    }
  });
});
