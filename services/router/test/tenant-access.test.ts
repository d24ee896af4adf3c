import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { inferFeatures } from './support/infer-features.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const LIMITED = { authorization: 'Bearer limited-tenant-key-0001' };
const OPEN = { authorization: 'Bearer open-tenant-key-000002' };
const MODEL_ONLY = { authorization: 'Bearer model-only-key-000003' };
const ROW = [0.1, 0.2, 0.3, 0.4];

function refusalOf(call: Promise<unknown>): Promise<ServiceError | undefined> {
  return call.then(
    () => undefined,
    (error: unknown) => error as ServiceError,
  );
}

async function registerModels(system: TestSystem): Promise<void> {
  for (const name of ['small', 'big']) {
    await system.registry.registerModel({ model: syntheticSpec(name, { base_latency_ms: '1' }) });
  }
  // The route keeps "big" for premium tenants: calling "big" by name must not get around that.
  await system.registry.putRoute({
    route: {
      name: 'chat',
      candidates: [{ model: 'small' }, { model: 'big', conditions: { tiers: ['premium'] } }],
    },
  });
}

describe('tenant access lists', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('access', { ROUTER_AUTH: 'required' });
    await registerModels(system);
    const tenants = [
      { name: 'limited', tier: 'free', apiKey: LIMITED.authorization.slice(7), routes: ['chat'] },
      { name: 'open', tier: 'free', apiKey: OPEN.authorization.slice(7) },
      { name: 'model-only', tier: 'free', apiKey: MODEL_ONLY.authorization.slice(7), models: ['big'] },
    ];
    for (const tenant of tenants) await system.registry.putTenant({ tenant });
    await system.startWorker(['small', 'big']);
    for (const model of ['small', 'big']) await system.waitUntilReady(model, OPEN);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('serves a tenant the route on its list', async () => {
    const answer = await inferFeatures(system.oip, 'chat', ROW, { metadata: LIMITED });

    expect(answer).toMatchObject({ model: 'small', tenant: 'limited' });
  });

  it('refuses a route-only tenant that names a model, saying what it may call', async () => {
    const refusal = await refusalOf(inferFeatures(system.oip, 'big', ROW, { metadata: LIMITED }));

    expect(refusal?.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(refusal?.details).toBe(
      'tenant "limited" may not call model "big"; it may call routes chat and no models by name ' +
        '(an operator changes this with switchboard tenants put --routes/--models)',
    );
  });

  it('refuses readiness and metadata of a name outside the list as well', async () => {
    const ready = refusalOf(system.oip.call('ModelReady', { name: 'big' }, { metadata: LIMITED }));
    const metadata = refusalOf(system.oip.call('ModelMetadata', { name: 'big' }, { metadata: LIMITED }));

    expect((await ready)?.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect((await metadata)?.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(await system.oip.call('ModelMetadata', { name: 'chat' }, { metadata: LIMITED })).toMatchObject({
      name: 'chat',
    });
  });

  it('lets a model-only tenant call its model by name but not the route', async () => {
    expect(await inferFeatures(system.oip, 'big', ROW, { metadata: MODEL_ONLY })).toMatchObject({
      model: 'big',
    });
    const refusal = await refusalOf(inferFeatures(system.oip, 'chat', ROW, { metadata: MODEL_ONLY }));
    expect(refusal?.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(refusal?.details).toMatch(
      /may not call route "chat"; it may call no routes and models big by name/,
    );
  });

  it('answers an unknown name with what the tenant may call, not with every registered model', async () => {
    const refusal = await refusalOf(inferFeatures(system.oip, 'no-such-model', ROW, { metadata: LIMITED }));

    expect(refusal?.code).toBe(GrpcStatus.NOT_FOUND);
    expect(refusal?.details).toBe(
      'no model or route named "no-such-model"; you may call routes chat and no models by name',
    );
  });

  it('lets a tenant without lists call every route and model, as before access lists', async () => {
    expect(await inferFeatures(system.oip, 'big', ROW, { metadata: OPEN })).toMatchObject({ model: 'big' });
    expect(await inferFeatures(system.oip, 'chat', ROW, { metadata: OPEN })).toMatchObject({
      model: 'small',
    });
  });

  it('asks for a key on readiness calls when authentication is required', async () => {
    const refusal = await refusalOf(system.oip.call('ModelReady', { name: 'chat' }));

    expect(refusal?.code).toBe(GrpcStatus.UNAUTHENTICATED);
  });
});

describe('anonymous access', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('anonaccess', { ROUTER_ANONYMOUS_ROUTES: 'chat' });
    await registerModels(system);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('limits anonymous callers to ROUTER_ANONYMOUS_ROUTES and ROUTER_ANONYMOUS_MODELS', async () => {
    const refusal = await refusalOf(system.oip.call('ModelMetadata', { name: 'big' }));

    expect(refusal?.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(refusal?.details).toMatch(/^tenant "anonymous" may not call model "big"; it may call routes chat/);
    expect(await system.oip.call('ModelMetadata', { name: 'chat' })).toMatchObject({ name: 'chat' });
  });
});
