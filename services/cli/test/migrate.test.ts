import postgres from 'postgres';
import { createTestDatabase, createTestRole, testInfrastructure } from '@switchboard/testkit';
import type { TestDatabase, TestRole } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './run-cli-in-process.js';

describe('switchboard migrate', () => {
  let database: TestDatabase;
  let owner: TestRole;
  let application: TestRole;
  let environment: Record<string, string>;

  beforeAll(async () => {
    const serverUrl = testInfrastructure().databaseUrl;
    database = await createTestDatabase(serverUrl, { label: 'migrate' });
    owner = await createTestRole(serverUrl, { label: 'owner', ownerOf: database.name });
    application = await createTestRole(serverUrl, { label: 'app' });
    environment = {
      DATABASE_MIGRATION_URL: owner.urlFor(database.url),
      DATABASE_URL: application.urlFor(database.url),
    };
  });

  afterAll(async () => {
    await database?.drop();
    await owner?.drop();
    await application?.drop();
  });

  it("applies the registry's, monitor's and optimizer's migrations as the owner and leaves the application role DML only", async () => {
    const { code, stdout, stderr } = await runCliInProcess(['migrate'], environment);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^registry: applied 0001_/m);
    expect(stdout).toMatch(/^monitor: applied 0001_/m);
    expect(stdout).toMatch(/^optimizer: applied 0001_/m);
    expect(stdout).toContain(`${application.name} may read and write the tables, nothing more`);
    const sql = postgres(application.urlFor(database.url), { max: 1, onnotice: () => undefined });
    try {
      await expect(sql`select count(*) from models`).resolves.toEqual([{ count: '0' }]);
      await expect(sql`select count(*) from metric_rollups`).resolves.toEqual([{ count: '0' }]);
      await expect(sql.unsafe('create table intruder (id int)')).rejects.toThrow(/permission denied/);
      await expect(sql`select * from registry_migrations`).rejects.toThrow(/permission denied/);
    } finally {
      await sql.end();
    }
  });

  it('finds nothing to do the second time', async () => {
    const { code, stdout } = await runCliInProcess(['migrate'], environment);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^registry: up to date\nmonitor: up to date\noptimizer: up to date\n/);
  });

  it('refuses to run without DATABASE_URL', async () => {
    const { code, stderr } = await runCliInProcess(['migrate'], {});

    expect(code).toBe(1);
    expect(stderr).toContain('migrate needs DATABASE_URL');
  });
});
