import { create, toBinary } from '@bufbuild/protobuf';
import { StatusCode } from '@switchboard/errors';
import { RegistryChangeKind, TenantSpecSchema } from '@switchboard/protocol';
import { hashApiKey, tenantKey } from '@switchboard/registry-snapshot';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../src/service.js';
import { startRegistryFixture } from '../src/testing/index.js';
import { classifierSpec } from './classifier-spec.js';
import type { RegistryFixture } from '../src/testing/index.js';

describe('registry restart', () => {
  let fixture: RegistryFixture;

  beforeAll(async () => {
    fixture = await startRegistryFixture('restart');
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('keeps models, versions and routes, and restores a bucket key deleted while it was down', async () => {
    await fixture.client.registerModel({ model: classifierSpec({ name: 'keeper' }) });
    await fixture.client.updateModel({
      model: classifierSpec({ name: 'keeper', version: '2', artifact: 'v2.onnx' }),
    });
    await fixture.client.registerModel({ model: classifierSpec({ name: 'partner', runtime: 'synthetic' }) });
    await fixture.client.putRoute({
      route: {
        name: 'pair',
        candidates: [{ model: 'partner' }, { model: 'keeper', rollout: [{ model: 'partner', percent: 5 }] }],
        cascade: { confidenceThreshold: 0.7 },
        description: 'both',
      },
    });
    const before = {
      models: (await fixture.client.listModels({})).models,
      routes: (await fixture.client.listRoutes({})).routes,
    };

    await fixture.restart(() => fixture.bucket.delete('models.keeper'));

    const models = (await fixture.client.listModels({})).models;
    expect(models).toEqual(before.models);
    expect(models.find((model) => model.name === 'keeper')).toMatchObject({
      version: '2',
      versions: ['1', '2'],
    });
    expect((await fixture.client.listRoutes({})).routes).toEqual(before.routes);
    expect(await fixture.modelInBucket('keeper')).toEqual(models.find((model) => model.name === 'keeper'));
    expect(await fixture.routeInBucket('pair')).toEqual(before.routes[0]);
  });

  it('deletes bucket keys that Postgres has no row for when it starts', async () => {
    await fixture.restart(async () => {
      await fixture.bucket.put('models.stray', new Uint8Array([1, 2, 3]));
      await fixture.bucket.put('routes.stray', new Uint8Array([4]));
    });

    expect(await fixture.bucket.get('models.stray')).toMatchObject({ operation: 'DEL' });
    expect(await fixture.bucket.get('routes.stray')).toMatchObject({ operation: 'DEL' });
    expect(fixture.events).toContainEqual(expect.objectContaining({ name: 'stray', deleted: true }));
  });

  it('keeps tenants, restores a tenant entry deleted while it was down and removes a stale tenant key', async () => {
    const apiKey = 'keeper-tenant-key-0123456789';
    const { tenant } = await fixture.client.putTenant({
      tenant: { name: 'keeper', tier: 'premium', apiKey },
    });
    const strayHash = hashApiKey('a-key-nobody-has-anymore');
    const stray = create(TenantSpecSchema, { name: 'gone', tier: 'free' });

    await fixture.restart(async () => {
      await fixture.bucket.delete(tenantKey(hashApiKey(apiKey)));
      await fixture.bucket.put(tenantKey(strayHash), toBinary(TenantSpecSchema, stray));
    });

    expect((await fixture.client.listTenants({})).tenants).toEqual([tenant]);
    expect(await fixture.tenantInBucket(hashApiKey(apiKey))).toEqual(tenant);
    expect(await fixture.bucket.get(tenantKey(strayHash))).toMatchObject({ operation: 'DEL' });
    const announced = (name: string, deleted: boolean) =>
      waitFor(() =>
        fixture.events.find(
          (event) =>
            event.kind === RegistryChangeKind.TENANT && event.name === name && event.deleted === deleted,
        ),
      );
    expect(await announced('keeper', false)).toBeDefined();
    expect(await announced('gone', true)).toBeDefined();
  });

  it('stops idempotently and accepts no calls after stopping', async () => {
    const { registry, client } = fixture;
    await Promise.all([registry.stop(), registry.stop()]);
    await expect(client.listModels({}, { timeoutMs: 500 })).rejects.toBeDefined();
    await fixture.restart();
    expect((await fixture.client.listModels({})).models.length).toBe(2);
  });

  it('refuses to start with UNAVAILABLE when NATS cannot be reached', async () => {
    const unreachable = { ...fixture.config, nats: { url: 'nats://127.0.0.1:1' } };

    await expect(start(unreachable, fixture.logger)).rejects.toMatchObject({
      code: StatusCode.UNAVAILABLE,
      message: expect.stringContaining('cannot connect to NATS at nats://127.0.0.1:1'),
    });
  });
});
