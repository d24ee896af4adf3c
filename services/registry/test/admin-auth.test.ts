import { StatusCode } from '@switchboard/errors';
import { adminMetadata, createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createLogger } from '@switchboard/logging';
import { deleteNamespaceStreams } from '@switchboard/nats';
import { RegistryService } from '@switchboard/protocol';
import { createTestDatabase, createTestNamespace, testInfrastructure } from '@switchboard/testkit';
import type { TestDatabase } from '@switchboard/testkit';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../src/service.js';
import type { RunningRegistry } from '../src/service.js';
import { testRegistryConfig } from '../src/testing/registry-fixture.js';
import { classifierSpec } from './classifier-spec.js';
import { refusalOf } from './refusal-of.js';

const ADMIN_TOKEN = 'admin-token-for-tests-5b0e2c9a';

describe('registry admin auth', () => {
  let database: TestDatabase;
  let namespace: string;
  let registry: RunningRegistry;
  let anonymous: GrpcClient<typeof RegistryService>;
  let admin: GrpcClient<typeof RegistryService>;
  let impostor: GrpcClient<typeof RegistryService>;

  beforeAll(async () => {
    database = await createTestDatabase(testInfrastructure().databaseUrl, { label: 'adminauth' });
    namespace = createTestNamespace('adminauth');
    const config = testRegistryConfig(database.url, namespace, { SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN });
    registry = await start(config, createLogger({ service: 'registry', level: 'silent' }));
    const address = `127.0.0.1:${registry.port}`;
    anonymous = createGrpcClient(RegistryService, address);
    admin = createGrpcClient(RegistryService, address, { metadata: adminMetadata(ADMIN_TOKEN) });
    impostor = createGrpcClient(RegistryService, address, { metadata: adminMetadata(`${ADMIN_TOKEN}x`) });
  });

  afterAll(async () => {
    for (const client of [anonymous, admin, impostor]) client?.close();
    await registry?.stop();
    const connection = await connect({ servers: testInfrastructure().natsUrl });
    await deleteNamespaceStreams(connection, namespace);
    await connection.close();
    await database?.drop();
  });

  it('refuses a write without a token as UNAUTHENTICATED, saying how to send one', async () => {
    const refusal = await refusalOf(anonymous.registerModel({ model: classifierSpec({ name: 'guarded' }) }));

    expect(refusal?.code).toBe(StatusCode.UNAUTHENTICATED);
    expect(refusal?.details).toMatch(
      /RegisterModel is an admin call: send the admin token as "authorization: Bearer <token>"/,
    );
  });

  it('refuses a write with the wrong token as PERMISSION_DENIED without repeating either token', async () => {
    const refusal = await refusalOf(
      impostor.putTenant({ tenant: { name: 'acme', tier: 'free', apiKey: 'acme-key-0123456789' } }),
    );

    expect(refusal?.code).toBe(StatusCode.PERMISSION_DENIED);
    expect(refusal?.details).toMatch(/not the admin token/);
    expect(refusal?.details).not.toContain(ADMIN_TOKEN);
  });

  it('guards the tenant list, which names every customer', async () => {
    expect((await refusalOf(anonymous.listTenants({})))?.code).toBe(StatusCode.UNAUTHENTICATED);
  });

  it('accepts writes with the admin token and keeps model and route reads open to everyone', async () => {
    await admin.registerModel({ model: classifierSpec({ name: 'guarded' }) });

    expect((await anonymous.getModel({ name: 'guarded' })).model?.name).toBe('guarded');
    expect((await anonymous.listModels({})).models.map((model) => model.name)).toEqual(['guarded']);
    expect((await anonymous.listRoutes({})).routes).toEqual([]);
  });
});
