import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { classifierModelSpecs } from '@switchboard/models';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFrontDoorSystem } from './support/front-door-system.js';
import type { FrontDoorSystem } from './support/front-door-system.js';
import type { TestSystem } from './support/test-system.js';

// Triton's HTTP extensions (model configuration, statistics, repository), called with plain fetch
// as Triton's HTTP/REST documentation describes them.

const RESOURCE_MANAGER_MAIN = fileURLToPath(new URL('../../resource-manager/dist/main.js', import.meta.url));
const ROW = [0.3, -1.2, 0.8, 0.05];

/** A port nothing listens on once this resolves (bound, then released). */

describe("the HTTP/REST door's Triton extensions", () => {
  let system: TestSystem;
  let resourceManagerPort: number;
  let resourceManager: ChildProcess | undefined;
  let frontDoor: FrontDoorSystem | undefined;

  const call = (path: string, init: RequestInit = {}) => fetch(`${system.httpUrl}${path}`, init);
  const post = (path: string, body?: unknown) =>
    call(path, {
      method: 'POST',
      body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
    });
  const answer = async (response: Response) => ({
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { error?: string },
  });

  beforeAll(async () => {
    frontDoor = await startFrontDoorSystem('http-ext');
    system = frontDoor.system;
    resourceManagerPort = frontDoor.resourceManagerPort;
  }, 60_000);

  afterAll(async () => {
    if (resourceManager !== undefined && resourceManager.exitCode === null) {
      const exited = new Promise((resolve) => resourceManager?.once('exit', resolve));
      resourceManager.kill('SIGTERM');
      await exited;
    }
    await frontDoor?.stop();
  });

  it("answers a model's configuration as Triton prints it, with or without the version", async () => {
    const small = classifierModelSpecs().find((model) => model.name === 'classifier-small')!;
    for (const path of [
      '/v2/models/classifier-small/config',
      '/v2/models/classifier-small/versions/1/config',
    ]) {
      const { status, body } = await answer(await call(path));
      expect(status).toBe(200);
      expect(body).toMatchObject({
        name: 'classifier-small',
        platform: 'onnxruntime_onnx',
        backend: 'onnxruntime',
        max_batch_size: small.batching!.maxBatchSize,
        input: [{ name: 'features', data_type: 'TYPE_FP32', dims: [4] }],
        output: [{ name: 'probabilities', data_type: 'TYPE_FP32', dims: [3] }],
        version_policy: { specific: { versions: [1] } },
      });
    }
  });

  it('answers 404 for the configuration or statistics of an unknown model, 400 for a malformed name', async () => {
    for (const path of ['/v2/models/no-such-model/config', '/v2/models/no-such-model/stats']) {
      expect(await answer(await call(path))).toMatchObject({
        status: 404,
        body: { error: expect.stringContaining('no model or route named "no-such-model"') },
      });
    }
    expect(await answer(await call('/v2/models/Bad%20Name/config'))).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('is not a valid model or route name') },
    });
  });

  it('counts inferences in the statistics from the monitor, for one model and for all', async () => {
    const infer = await post('/v2/models/classifier-small/infer', {
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: ROW }],
    });
    expect(infer.status).toBe(200);
    type Stats = { model_stats: Array<{ name: string; version: string; inference_count: number }> };
    await waitFor(
      async () => {
        const { body } = await answer(await call('/v2/models/classifier-small/stats'));
        return ((body as unknown as Stats).model_stats?.[0]?.inference_count ?? 0) >= 1;
      },
      { timeoutMs: 15_000, message: 'the statistics never counted the inference' },
    );
    const { status, body } = await answer(await call('/v2/models/stats'));
    expect(status).toBe(200);
    const names = (body as unknown as Stats).model_stats.map((model) => model.name);
    expect(names).toEqual(expect.arrayContaining(['classifier-small', 'classifier-large']));
    const small = (body as unknown as Stats).model_stats.find((model) => model.name === 'classifier-small');
    expect(typeof small?.inference_count).toBe('number');
  });

  it('lists the repository with each model state, and only the ready ones when asked', async () => {
    const all = await post('/v2/repository/index');
    expect(all.status).toBe(200);
    expect(await all.json()).toEqual(
      expect.arrayContaining([
        { name: 'classifier-small', version: '1', state: 'READY', reason: '' },
        expect.objectContaining({ name: 'classifier-large', state: 'UNAVAILABLE' }),
      ]),
    );
    const ready = await post('/v2/repository/index', { ready: true });
    expect(((await ready.json()) as Array<{ name: string }>).map((model) => model.name)).toEqual([
      'classifier-small',
    ]);
    expect(await answer(await post('/v2/repository/index', { ready: 'yes' }))).toMatchObject({
      status: 400,
      body: { error: '"ready" must be true or false' },
    });
  });

  it('answers 503 naming the resource manager while it is unreachable', async () => {
    expect(await answer(await post('/v2/repository/models/classifier-large/load'))).toMatchObject({
      status: 503,
      body: { error: expect.stringContaining('ROUTER_RESOURCE_MANAGER_ADDRESS') },
    });
  });

  it('loads and unloads through the resource manager, 404 for a model it does not know', async () => {
    resourceManager = spawn(process.execPath, [RESOURCE_MANAGER_MAIN], {
      env: {
        ...process.env,
        ...system.environment,
        RESOURCE_MANAGER_HOST: '127.0.0.1',
        RESOURCE_MANAGER_PORT: String(resourceManagerPort),
        RM_DRIVER: 'none',
      },
      stdio: 'ignore',
    });
    // Until it listens the router answers 503; then an unregistered model is the manager's 404.
    await waitFor(async () => (await post('/v2/repository/models/no-such-model/load')).status === 404, {
      timeoutMs: 20_000,
      message: 'the resource manager never answered',
    });
    const load = await post('/v2/repository/models/classifier-large/load');
    expect(load.status).toBe(200);
    const unload = await post('/v2/repository/models/classifier-large/unload', {});
    expect(unload.status).toBe(200);
    expect(await answer(await post('/v2/repository/models/no-such-model/unload', '{'))).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('not valid JSON') },
    });
  }, 30_000);
});
