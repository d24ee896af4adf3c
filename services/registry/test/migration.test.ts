import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { createGrpcClient } from '@switchboard/grpc';
import { createLogger } from '@switchboard/logging';
import { runMigrations } from '@switchboard/migrations';
import { createSubjectNames } from '@switchboard/nats';
import { RegistryService } from '@switchboard/protocol';
import { openRegistryBucket } from '@switchboard/registry-snapshot';
import { createTestDatabase, createTestNamespace, testInfrastructure } from '@switchboard/testkit';
import type { TestDatabase } from '@switchboard/testkit';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../src/service.js';
import { testRegistryConfig } from '../src/testing/registry-fixture.js';
import type { RunningRegistry } from '../src/service.js';

const FIRST_MIGRATION = '0001_models-and-routes.sql';
const MIGRATIONS_DIRECTORY = new URL('../migrations/', import.meta.url);
const logger = createLogger({ service: 'registry', level: 'silent' });

describe('registry migration 0002', () => {
  let database: TestDatabase;
  let registry: RunningRegistry | undefined;
  const namespace = createTestNamespace('migrate');

  beforeAll(async () => {
    database = await createTestDatabase(testInfrastructure().databaseUrl, { label: 'migrate' });
  });

  afterAll(async () => {
    await registry?.stop();
    await database?.drop();
    const connection = await connect({ servers: testInfrastructure().natsUrl });
    await (await openRegistryBucket(connection, createSubjectNames(namespace))).destroy();
    await connection.close();
  });

  it('turns the models of routes created before 0002 into candidates without conditions, in order', async () => {
    await applyFirstMigrationOnly(database.url);
    const sql = postgres(database.url, { max: 1 });
    try {
      await sql`INSERT INTO models (name, runtime, current_version) VALUES ('old-a', 'onnx', '1'), ('old-b', 'onnx', '1')`;
      await sql`INSERT INTO routes (name, description) VALUES ('legacy', 'from before')`;
      await sql`INSERT INTO route_models (route_name, position, model_name) VALUES ('legacy', 0, 'old-b'), ('legacy', 1, 'old-a')`;
    } finally {
      await sql.end();
    }
    const config = testRegistryConfig(database.url, namespace);

    registry = await start(config, logger);
    const client = createGrpcClient(RegistryService, `127.0.0.1:${registry.port}`);
    try {
      const { route } = await client.getRoute({ name: 'legacy' });
      const candidates = route?.candidates.map(({ model, conditions, rollout }) => [
        model,
        conditions,
        rollout,
      ]);
      expect(candidates).toEqual([
        ['old-b', undefined, []],
        ['old-a', undefined, []],
      ]);
      expect(route).toMatchObject({ description: 'from before', shadows: [] });
      expect([route?.policy, route?.cascade]).toEqual([undefined, undefined]);
      const { model } = await client.getModel({ name: 'old-a' });
      expect(model).toMatchObject({ latencyPriorMs: 0, latencyPriorPerUnitUs: 0 });
      // 0004 leaves models stored before it without a scaling spec: the manager's defaults apply.
      expect(model?.scaling).toBeUndefined();
    } finally {
      client.close();
    }
  });
});

/** Applies 0001 alone, as a registry released before 0002 did. */
async function applyFirstMigrationOnly(databaseUrl: string): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'registry-migrations-'));
  try {
    await copyFile(new URL(FIRST_MIGRATION, MIGRATIONS_DIRECTORY), join(directory, FIRST_MIGRATION));
    await runMigrations({ databaseUrl, directory, table: 'registry_migrations', logger });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
