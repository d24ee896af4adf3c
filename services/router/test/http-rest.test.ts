import { request as httpRequest } from 'node:http';
import { classifierModelSpecs, readModelManifest } from '@switchboard/models';
import {
  fromRawFloat32,
  runReferenceModel,
  syntheticSpec,
  syntheticTextSpec,
  toRawFloat32,
} from '@switchboard/models/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

// Requests below are written from the KServe v2 REST specification and Triton's binary tensor
// extension, sent with Node's own fetch: no client library of this repository is involved.

const FEATURES = [0.3, -1.2, 0.8, 0.05, -0.7, 0.4, 1.1, -0.2, 0.9, 0.9, -0.9, 0.1];
const ROWS = FEATURES.length / 4;

interface JsonOutput {
  name: string;
  datatype: string;
  shape: number[];
  data?: unknown[];
  parameters?: Record<string, unknown>;
}

interface JsonInferResponse {
  model_name: string;
  model_version: string;
  id?: string;
  parameters: Record<string, unknown>;
  outputs: JsonOutput[];
}

interface GrpcInferResponse {
  outputs: Array<{ name: string; datatype: string; shape: string[] }>;
  raw_output_contents: Buffer[];
}

function featuresInput(data: unknown[] = FEATURES, shape = [ROWS, 4]) {
  return { name: 'features', datatype: 'FP32', shape, data };
}

function expectClose(actual: readonly number[], expected: ArrayLike<number>): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index] ?? NaN, 5));
}

describe('the KServe v2 HTTP/REST door', () => {
  let system: TestSystem;

  const call = (path: string, init: RequestInit = {}) => fetch(`${system.httpUrl}${path}`, init);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const infer = async (model: string, body: unknown): Promise<JsonInferResponse> => {
    const response = await post(`/v2/models/${model}/infer`, body);
    const json = (await response.json()) as JsonInferResponse & { error?: string };
    expect(response.status, json.error).toBe(200);
    return json;
  };
  const refusal = async (response: Response) => ({
    status: response.status,
    contentType: response.headers.get('content-type'),
    error: ((await response.json()) as { error: string }).error,
  });

  beforeAll(async () => {
    system = await startTestSystem('http');
    for (const model of classifierModelSpecs()) await system.registry.registerModel({ model });
    // "slow" is predicted fast (so admitted) but runs 400 ms; "known-slow" is predicted as slow as it is.
    await system.registry.registerModel({
      model: syntheticSpec('slow', { base_latency_ms: '400' }, 4, { latencyPriorMs: 1 }),
    });
    await system.registry.registerModel({ model: syntheticSpec('known-slow', { base_latency_ms: '400' }) });
    await system.registry.registerModel({ model: syntheticTextSpec('text', { base_latency_ms: '1' }) });
    await system.registry.putRoute({
      route: { name: 'classify', candidates: [{ model: 'classifier-small' }, { model: 'classifier-large' }] },
    });
    const models = ['classifier-small', 'classifier-large', 'slow', 'known-slow', 'text'];
    await system.startWorker(models);
    for (const model of models) {
      await system.waitUntilReady(model);
    }
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers liveness, readiness and server metadata', async () => {
    const live = await call('/v2/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ live: true });
    const ready = await call('/v2/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
    const metadata = (await (await call('/v2')).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      name: 'switchboard',
      extensions: expect.arrayContaining(['binary_tensor_data']),
    });
    expect(metadata.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers model metadata and readiness, with or without the version in the path', async () => {
    for (const path of ['/v2/models/classifier-small', '/v2/models/classifier-small/versions/1']) {
      const response = await call(path);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        name: 'classifier-small',
        versions: ['1'],
        platform: 'onnxruntime_onnx',
        inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
        outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }],
      });
      const ready = await call(`${path}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ name: 'classifier-small', ready: true });
    }
  });

  it('answers 404 with a JSON error for an unknown model, version or endpoint', async () => {
    for (const path of ['/v2/models/no-such-model', '/v2/models/no-such-model/ready']) {
      expect(await refusal(await call(path))).toMatchObject({
        status: 404,
        contentType: 'application/json',
        error: expect.stringContaining('no model or route named "no-such-model"'),
      });
    }
    expect(await refusal(await call('/v2/models/classifier-small/versions/7'))).toMatchObject({
      status: 404,
      error: expect.stringContaining('the served version is "1"'),
    });
    expect(
      await refusal(await post('/v2/models/no-such-model/infer', { inputs: [featuresInput()] })),
    ).toMatchObject({ status: 404, error: expect.stringContaining('no-such-model') });
    expect(await refusal(await call('/v3/anything'))).toMatchObject({
      status: 404,
      error: expect.stringContaining('under /v2'),
    });
  });

  it('answers 405 naming the allowed methods when the method is wrong', async () => {
    const response = await call('/v2/models/classifier-small/infer');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(((await response.json()) as { error: string }).error).toMatch(/GET is not allowed.*use POST/);
  });

  for (const entry of readModelManifest().models) {
    const expected = runReferenceModel(entry.path, Float32Array.from(FEATURES), ROWS);

    it(`gives the same outputs as the gRPC door for ${entry.name}, and the reference computation's`, async () => {
      const rest = await infer(entry.name, { id: 'rest-1', inputs: [featuresInput()] });
      const grpc = await system.oip.call<GrpcInferResponse>('ModelInfer', {
        model_name: entry.name,
        inputs: [{ name: 'features', datatype: 'FP32', shape: [ROWS, 4] }],
        raw_input_contents: [toRawFloat32(FEATURES)],
      });
      expect(rest).toMatchObject({ model_name: entry.name, model_version: '1', id: 'rest-1' });
      expect(rest.parameters['switchboard.model']).toBe(entry.name);
      const [output] = rest.outputs;
      expect(output).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [ROWS, 3] });
      expect(output?.shape).toEqual(grpc.outputs[0]?.shape);
      // Exactly the same float32 values, not merely close.
      expect(Float32Array.from(output?.data as number[])).toEqual(
        Float32Array.from(fromRawFloat32(grpc.raw_output_contents[0] ?? Buffer.alloc(0))),
      );
      expectClose(output?.data as number[], expected);
    });
  }

  it('reads data nested by the shape the same as flat data', async () => {
    const nested = [0, 1, 2].map((row) => FEATURES.slice(row * 4, row * 4 + 4));
    const flat = await infer('classifier-small', { inputs: [featuresInput()] });
    const fromNested = await infer('classifier-small', { inputs: [featuresInput(nested)] });
    expect(fromNested.outputs[0]?.data).toEqual(flat.outputs[0]?.data);
  });

  it('takes binary inputs and returns binary outputs with the binary tensor extension', async () => {
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          {
            name: 'features',
            datatype: 'FP32',
            shape: [ROWS, 4],
            parameters: { binary_data_size: FEATURES.length * 4 },
          },
        ],
        outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
      }),
    );
    const response = await call('/v2/models/classifier-large/infer', {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(header.length),
      },
      body: Buffer.concat([header, toRawFloat32(FEATURES)]),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const body = Buffer.from(await response.arrayBuffer());
    const jsonLength = Number(response.headers.get('inference-header-content-length'));
    const json = JSON.parse(body.subarray(0, jsonLength).toString('utf8')) as JsonInferResponse;
    const [output] = json.outputs;
    expect(output).toEqual({
      name: 'probabilities',
      datatype: 'FP32',
      shape: [ROWS, 3],
      parameters: { binary_data_size: ROWS * 3 * 4 },
    });
    expect(body.length).toBe(jsonLength + ROWS * 3 * 4);
    const probabilities = fromRawFloat32(body.subarray(jsonLength));
    const reference = runReferenceModel(
      readModelManifest().models.find((model) => model.name === 'classifier-large')!.path,
      Float32Array.from(FEATURES),
      ROWS,
    );
    expectClose(probabilities, reference);
    const asJson = await infer('classifier-large', { inputs: [featuresInput()] });
    expect(asJson.outputs[0]?.data).toEqual(probabilities);
  });

  it('returns every output as binary data with binary_data_output, and BYTES inputs as strings or binary', async () => {
    const texts = ['hello', 'wörld'];
    const asStrings = await infer('text', {
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], data: texts }],
    });
    expect(asStrings.outputs[0]).toMatchObject({ name: 'scores', datatype: 'FP32', shape: [2, 2] });
    const encoded = texts.map((text) => Buffer.from(text));
    const raw = Buffer.concat(
      encoded.flatMap((bytes) => [Buffer.from(new Uint32Array([bytes.length]).buffer), bytes]),
    );
    const header = Buffer.from(
      JSON.stringify({
        parameters: { binary_data_output: true },
        inputs: [
          { name: 'text', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: raw.length } },
        ],
      }),
    );
    const response = await call('/v2/models/text/infer', {
      method: 'POST',
      headers: { 'inference-header-content-length': String(header.length) },
      body: Buffer.concat([header, raw]),
    });
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    const jsonLength = Number(response.headers.get('inference-header-content-length'));
    expect(fromRawFloat32(body.subarray(jsonLength))).toEqual(asStrings.outputs[0]?.data);
  });

  it('serves a route by its name and says which model answered', async () => {
    const response = await infer('classify', { inputs: [featuresInput(FEATURES.slice(0, 4), [1, 4])] });
    expect(response.model_name).toBe('classify');
    expect(['classifier-small', 'classifier-large']).toContain(response.parameters['switchboard.model']);
    expect(response.parameters['switchboard.route']).toBe('classify');
  });

  it("answers 504 when Triton's timeout parameter passes before the model answers", async () => {
    const response = await post('/v2/models/slow/infer', {
      parameters: { timeout: 100_000 },
      inputs: [featuresInput(FEATURES.slice(0, 4), [1, 4])],
    });
    expect(await refusal(response)).toMatchObject({
      status: 504,
      error: expect.stringContaining('deadline'),
    });
  });

  it('answers 429 with Retry-After when admission refuses a request it cannot serve in time', async () => {
    const response = await post('/v2/models/known-slow/infer', {
      parameters: { timeout: 100_000 },
      inputs: [featuresInput(FEATURES.slice(0, 4), [1, 4])],
    });
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refusal(response)).toMatchObject({ status: 429, error: expect.stringMatching(/retry/i) });
  });

  it('answers 400 saying what to fix for a malformed body', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"inputs": [', /not valid JSON/],
      [[1, 2], /must be a JSON object/],
      [{}, /"inputs" must be an array/],
      [
        { inputs: [{ name: 'features', shape: [1, 4], data: [1, 2, 3, 4] }] },
        /needs a "datatype", one of BOOL/,
      ],
      [{ inputs: [{ ...featuresInput(), shape: [1, -4] }] }, /needs a "shape".*whole numbers ≥ 0/],
      [{ inputs: [featuresInput([1, 2, 3])] }, /has 3 elements in "data" but its shape \[3, 4\] holds 12/],
      [{ inputs: [featuresInput(['a', ...FEATURES.slice(1)])] }, /element 0 of "data" is "a", not a number/],
      [{ inputs: [featuresInput([[[FEATURES]]])] }, /nested deeper than its shape/],
      [{ inputs: [{ ...featuresInput(), datatype: 'INT8', data: Array(12).fill(300) }] }, /from -128 to 127/],
      [
        { inputs: [featuresInput()], parameters: { priority: [1] } },
        /parameter "priority" of the request must be/,
      ],
      [{ inputs: [featuresInput()], parameters: { timeout: 'soon' } }, /"timeout" must be an int64/],
      [{ inputs: [{ ...featuresInput(), name: 'pixels' }] }, /pixels/],
    ];
    for (const [body, message] of cases) {
      const answer = await refusal(await post('/v2/models/classifier-small/infer', body));
      expect(answer, JSON.stringify(body).slice(0, 80)).toMatchObject({
        status: 400,
        error: expect.stringMatching(message),
      });
    }
  });

  it('answers 400 when binary sizes and the body do not add up', async () => {
    const send = (json: unknown, binary: Buffer, headerLength?: number) => {
      const header = Buffer.from(JSON.stringify(json));
      return call('/v2/models/classifier-small/infer', {
        method: 'POST',
        headers: { 'inference-header-content-length': String(headerLength ?? header.length) },
        body: Buffer.concat([header, binary]),
      });
    };
    const input = (size: number) => ({
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: size } }],
    });
    expect(await refusal(await send(input(16), Buffer.alloc(8)))).toMatchObject({
      status: 400,
      error: expect.stringContaining('only 8 bytes of binary data are left'),
    });
    expect(await refusal(await send(input(12), Buffer.alloc(12)))).toMatchObject({
      status: 400,
      error: expect.stringContaining('needs 16 bytes'),
    });
    expect(await refusal(await send(input(16), Buffer.alloc(20)))).toMatchObject({
      status: 400,
      error: expect.stringContaining('4 bytes of binary data after the JSON header belong to no input'),
    });
    expect(await refusal(await send(input(16), Buffer.alloc(16), 100_000))).toMatchObject({
      status: 400,
      error: expect.stringContaining('Inference-Header-Content-Length'),
    });
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await post('/v2/models/classifier-small/infer', 'x'.repeat(5 * 1024 * 1024));
    expect(await refusal(response)).toMatchObject({
      status: 413,
      error: expect.stringContaining('the limit is'),
    });
  });

  it('refuses a declared content-length over the limit with 413 before the body arrives', async () => {
    const { hostname, port } = new URL(system.httpUrl);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest({
        host: hostname,
        port,
        method: 'POST',
        path: '/v2/models/classifier-small/infer',
        headers: { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) },
      });
      request.on('response', (response) => {
        resolve(response.statusCode);
        request.destroy();
      });
      request.on('error', reject);
      // Only the first bytes of the announced 100 MiB: the answer must not wait for the rest.
      request.write('{"inputs": [');
    });
    expect(status).toBe(413);
  });

  it('counts calls by endpoint template, never by the model name sent', async () => {
    await call('/v2/models/made-up-name-for-metrics/ready');
    const metrics = await (await fetch(`http://127.0.0.1:${system.metricsPorts.router}/metrics`)).text();
    expect(metrics).toMatch(
      /switchboard_router_http_requests_total\{method="POST",route="\/v2\/models\/:name\/infer",status="200"\} \d+/,
    );
    expect(metrics).toMatch(/route="\/v2\/models\/:name\/ready",status="404"/);
    expect(metrics).not.toContain('made-up-name-for-metrics');
  });
});
