import { create, toBinary } from '@bufbuild/protobuf';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { createSubjectNames } from '@switchboard/nats';
import { RouteSpecSchema, TenantSpecSchema } from '@switchboard/protocol';
import { createTestNamespace, testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey, openRegistryBucket, routeKey, startRegistrySnapshot, tenantKey } from '../src/index.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('hashApiKey', () => {
  it('gives the lowercase hex SHA-256 of the key’s UTF-8 bytes', () => {
    // FIPS 180-2 test vector.
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashApiKey('ключ-ü')).toMatch(/^[0-9a-f]{64}$/);
    expect(tenantKey(hashApiKey('abc'))).toBe(`tenants.${hashApiKey('abc')}`);
  });
});

describe('RegistrySnapshot', () => {
  let connection: NatsConnection;
  const names = createSubjectNames(createTestNamespace('snaptenants'));

  beforeEach(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl });
  });

  afterEach(async () => {
    await (await openRegistryBucket(connection, names)).destroy();
    await connection.close();
  });

  it('finds a tenant by the hash of its API key and forgets it when its entry is deleted', async () => {
    const bucket = await openRegistryBucket(connection, names);
    const hash = hashApiKey('acme-key-0123456789');
    const tenant = create(TenantSpecSchema, { name: 'acme', tier: 'premium' });
    await bucket.put(tenantKey(hash), toBinary(TenantSpecSchema, tenant));
    const snapshot = await startRegistrySnapshot(connection, names, logger);
    try {
      expect(snapshot.findTenant(hash)).toEqual(tenant);
      expect(snapshot.findTenant(hashApiKey('some-other-key-0000'))).toBeUndefined();

      await bucket.delete(tenantKey(hash));

      await waitFor(() => snapshot.findTenant(hash) === undefined);
      expect(snapshot.findTenant(hash)).toBeUndefined();
    } finally {
      await snapshot.stop();
    }
  });

  it('knows a tenant by name while any of its API keys is registered', async () => {
    const bucket = await openRegistryBucket(connection, names);
    const [first, second] = [hashApiKey('acme-key-first-000000'), hashApiKey('acme-key-second-00000')];
    const acme = toBinary(TenantSpecSchema, create(TenantSpecSchema, { name: 'acme', tier: 'free' }));
    await bucket.put(tenantKey(first), acme);
    await bucket.put(tenantKey(second), acme);
    const snapshot = await startRegistrySnapshot(connection, names, logger);
    try {
      expect(snapshot.hasTenant('acme')).toBe(true);
      expect(snapshot.hasTenant('globex')).toBe(false);

      await bucket.delete(tenantKey(first));
      await waitFor(() => snapshot.findTenant(first) === undefined);
      expect(snapshot.hasTenant('acme')).toBe(true);

      await bucket.delete(tenantKey(second));
      await waitFor(() => !snapshot.hasTenant('acme'));
    } finally {
      await snapshot.stop();
    }
  });

  it('lists every route and follows routes added later', async () => {
    const bucket = await openRegistryBucket(connection, names);
    const first = create(RouteSpecSchema, { name: 'first', candidates: [{ model: 'a' }] });
    await bucket.put(routeKey('first'), toBinary(RouteSpecSchema, first));
    const snapshot = await startRegistrySnapshot(connection, names, logger);
    try {
      expect(snapshot.listRoutes()).toEqual([first]);
      const second = create(RouteSpecSchema, { name: 'second', candidates: [{ model: 'b' }] });

      await bucket.put(routeKey('second'), toBinary(RouteSpecSchema, second));

      await waitFor(() => snapshot.listRoutes().length === 2);
      expect(
        snapshot
          .listRoutes()
          .map((route) => route.name)
          .sort(),
      ).toEqual(['first', 'second']);
    } finally {
      await snapshot.stop();
    }
  });
});
