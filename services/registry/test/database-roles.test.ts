import { connect } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { deleteNamespaceStreams } from '@switchboard/nats';
import { createGrpcClient } from '@switchboard/grpc';
import { RegistryService } from '@switchboard/protocol';
import {
  createTestDatabase,
  createTestNamespace,
  createTestRole,
  testInfrastructure,
} from '@switchboard/testkit';
import type { TestDatabase, TestRole } from '@switchboard/testkit';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../src/service.js';
import type { RunningRegistry } from '../src/service.js';
import { testRegistryConfig } from '../src/testing/registry-fixture.js';
import { classifierSpec } from './classifier-spec.js';

/** The error message a statement fails with as `sql`'s role, or undefined when it succeeds. */
async function refusalOf(sql: postgres.Sql, statement: string): Promise<string | undefined> {
  try {
    await sql.unsafe(statement);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('registry with a migration role and a least-privilege application role', () => {
  let database: TestDatabase;
  let owner: TestRole;
  let application: TestRole;
  let registry: RunningRegistry;
  let asApplication: postgres.Sql;
  const namespace = createTestNamespace('roles');

  beforeAll(async () => {
    const serverUrl = testInfrastructure().databaseUrl;
    database = await createTestDatabase(serverUrl, { label: 'roles' });
    owner = await createTestRole(serverUrl, { label: 'owner', ownerOf: database.name });
    application = await createTestRole(serverUrl, { label: 'app' });
    const config = testRegistryConfig(application.urlFor(database.url), namespace, {
      DATABASE_MIGRATION_URL: owner.urlFor(database.url),
    });
    registry = await start(config, createLogger({ service: 'registry', level: 'silent' }));
    asApplication = postgres(application.urlFor(database.url), { max: 1, onnotice: () => undefined });
  });

  afterAll(async () => {
    await asApplication?.end();
    await registry?.stop();
    const connection = await connect({ servers: testInfrastructure().natsUrl });
    await deleteNamespaceStreams(connection, namespace);
    await connection.close();
    await database?.drop();
    await application?.drop();
    await owner?.drop();
  });

  it('runs its migrations as the owner and serves as the application role', async () => {
    const client = createGrpcClient(RegistryService, `127.0.0.1:${registry.port}`);
    try {
      await client.registerModel({ model: classifierSpec({ name: 'owned' }) });
      await client.putTenant({ tenant: { name: 'acme', tier: 'free', apiKey: 'acme-key-0123456789' } });
      expect((await client.listModels({})).models.map((model) => model.name)).toEqual(['owned']);
    } finally {
      client.close();
    }
    const [row] = await asApplication<{ owner: string }[]>`
      SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'models'`;
    expect(row?.owner).toBe(owner.name);
  });

  it('leaves the application role unable to create, alter, drop or truncate tables', async () => {
    expect(await refusalOf(asApplication, 'CREATE TABLE intruder (id int)')).toMatch(
      /permission denied for schema public/,
    );
    expect(await refusalOf(asApplication, 'ALTER TABLE models ADD COLUMN intruder int')).toMatch(
      /must be owner/,
    );
    expect(await refusalOf(asApplication, 'DROP TABLE tenants')).toMatch(/must be owner/);
    expect(await refusalOf(asApplication, 'TRUNCATE models')).toMatch(/permission denied/);
  });

  it('leaves the application role no access to the migrations bookkeeping', async () => {
    expect(await refusalOf(asApplication, 'DELETE FROM registry_migrations')).toMatch(/permission denied/);
    expect(await refusalOf(asApplication, 'SELECT * FROM registry_migrations')).toMatch(/permission denied/);
  });
});
