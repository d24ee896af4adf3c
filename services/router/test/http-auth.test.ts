import { syntheticSpec } from '@switchboard/models/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

// The HTTP door reads the same API key headers as the gRPC door's metadata, one to one.

const LIMITED_KEY = 'http-limited-tenant-key-01';
const OPEN_KEY = 'http-open-tenant-key-00002';
const INFER_BODY = {
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [0.1, 0.2, 0.3, 0.4] }],
};

describe('the HTTP/REST door with ROUTER_AUTH=required', () => {
  let system: TestSystem;

  const call = (path: string, headers: Record<string, string> = {}, body?: unknown) =>
    fetch(`${system.httpUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const refusal = async (response: Response) => ({
    status: response.status,
    error: ((await response.json()) as { error: string }).error,
  });

  beforeAll(async () => {
    system = await startTestSystem('http-auth', { ROUTER_AUTH: 'required' });
    for (const name of ['small', 'big']) {
      await system.registry.registerModel({ model: syntheticSpec(name, { base_latency_ms: '1' }) });
    }
    await system.registry.putRoute({ route: { name: 'chat', candidates: [{ model: 'small' }] } });
    await system.registry.putTenant({
      tenant: { name: 'limited', tier: 'standard', apiKey: LIMITED_KEY, routes: ['chat'] },
    });
    await system.registry.putTenant({ tenant: { name: 'open', tier: 'standard', apiKey: OPEN_KEY } });
    await system.startWorker(['small', 'big']);
    for (const model of ['small', 'big']) {
      await system.waitUntilReady(model, { authorization: `Bearer ${OPEN_KEY}` });
    }
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('refuses inference and model metadata without a key with 401, saying how to send one', async () => {
    for (const response of [
      await call('/v2/models/small/infer', {}, INFER_BODY),
      await call('/v2/models/small'),
      await call('/v2/models/small/ready'),
      await call('/v2/models/small/infer', { authorization: 'Bearer not-a-key-anyone-issued' }, INFER_BODY),
    ]) {
      expect(await refusal(response)).toMatchObject({ status: 401, error: expect.stringMatching(/API key/) });
    }
  });

  it('keeps the health endpoints open for probes', async () => {
    expect((await call('/v2/health/live')).status).toBe(200);
    expect((await call('/v2/health/ready')).status).toBe(200);
  });

  it('accepts the key as authorization: Bearer or as x-api-key', async () => {
    const keyHeaders: Array<Record<string, string>> = [
      { authorization: `Bearer ${OPEN_KEY}` },
      { 'x-api-key': OPEN_KEY },
    ];
    for (const headers of keyHeaders) {
      const response = await call('/v2/models/big/infer', headers, INFER_BODY);
      const body = (await response.json()) as { parameters: Record<string, unknown> };
      expect(response.status).toBe(200);
      expect(body.parameters['switchboard.model']).toBe('big');
    }
  });

  it('answers 403 naming what a tenant may call when the name is outside its access list', async () => {
    const headers = { 'x-api-key': LIMITED_KEY };
    expect((await call('/v2/models/chat/infer', headers, INFER_BODY)).status).toBe(200);
    for (const response of [
      await call('/v2/models/big/infer', headers, INFER_BODY),
      await call('/v2/models/big', headers),
    ]) {
      expect(await refusal(response)).toMatchObject({
        status: 403,
        error: expect.stringContaining('tenant "limited" may not call model "big"; it may call routes chat'),
      });
    }
  });
});
