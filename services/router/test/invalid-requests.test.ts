import { classifierSpec, syntheticTextSpec, toRawFloat32 } from '@switchboard/models/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const INVALID_ARGUMENT = 3;
const DEADLINE_EXCEEDED = 4;
const NOT_FOUND = 5;
const RESOURCE_EXHAUSTED = 8;
const MAX_REQUEST_BYTES = 4096;

const features = (rows: number) => ({ name: 'features', datatype: 'FP32', shape: [rows, 4] });

describe('requests the router refuses', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('invalid', { ROUTER_MAX_REQUEST_BYTES: String(MAX_REQUEST_BYTES) });
    const small = classifierSpec('classifier-small');
    await system.registry.registerModel({ model: small });
    await system.registry.registerModel({
      model: syntheticTextSpec('slow-text', { base_latency_ms: '400' }),
    });
    await system.startWorker(['classifier-small', 'slow-text']);
    await system.waitUntilReady('slow-text');
  });

  afterAll(async () => {
    await system?.stop();
  });

  const infer = (request: object, timeoutMs?: number) =>
    system.oip.call(
      'ModelInfer',
      { model_name: 'classifier-small', ...request },
      timeoutMs === undefined ? {} : { timeoutMs },
    );

  it('answers NOT_FOUND for an unknown model and lists the known ones', async () => {
    await expect(infer({ model_name: 'nope', inputs: [features(1)] })).rejects.toMatchObject({
      code: NOT_FOUND,
      details: expect.stringMatching(/no model or route named "nope".*classifier-small/),
    });
  });

  it('answers INVALID_ARGUMENT for a wrong datatype, naming the expected one', async () => {
    const request = {
      inputs: [{ ...features(1), datatype: 'FP64', contents: { fp64_contents: [1, 2, 3, 4] } }],
    };
    await expect(infer(request)).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: expect.stringMatching(/FP32/),
    });
  });

  it('answers INVALID_ARGUMENT for a wrong shape', async () => {
    const request = {
      inputs: [{ ...features(1), shape: [1, 5], contents: { fp32_contents: [1, 2, 3, 4, 5] } }],
    };
    await expect(infer(request)).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: expect.stringMatching(/shape/),
    });
  });

  it('answers INVALID_ARGUMENT when contents do not match the shape', async () => {
    const request = { inputs: [{ ...features(2), contents: { fp32_contents: [1, 2, 3, 4] } }] };
    await expect(infer(request)).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: expect.stringMatching(/8/),
    });
  });

  it('answers INVALID_ARGUMENT when typed and raw contents are mixed', async () => {
    const request = {
      inputs: [{ ...features(1), contents: { fp32_contents: [1, 2, 3, 4] } }],
      raw_input_contents: [toRawFloat32([1, 2, 3, 4])],
    };
    await expect(infer(request)).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: expect.stringMatching(/raw/),
    });
  });

  it('answers INVALID_ARGUMENT for raw contents of the wrong length', async () => {
    const request = { inputs: [features(1)], raw_input_contents: [toRawFloat32([1, 2, 3])] };
    await expect(infer(request)).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: expect.stringMatching(/bytes/),
    });
  });

  it('answers INVALID_ARGUMENT for malformed BYTES length prefixes', async () => {
    const broken = Buffer.from([10, 0, 0, 0, 104, 105]);
    const request = {
      model_name: 'slow-text',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [1] }],
      raw_input_contents: [broken],
    };
    await expect(infer(request)).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: expect.stringMatching(/text/),
    });
  });

  it('answers RESOURCE_EXHAUSTED for an input over the size limit, naming the limit', async () => {
    const rows = MAX_REQUEST_BYTES / 16 + 1;
    const request = {
      inputs: [features(rows)],
      raw_input_contents: [toRawFloat32(new Array(rows * 4).fill(0.5))],
    };
    await expect(infer(request)).rejects.toMatchObject({
      code: RESOURCE_EXHAUSTED,
      details: expect.stringContaining(String(MAX_REQUEST_BYTES)),
    });
  });

  it('answers DEADLINE_EXCEEDED when the gRPC deadline passes before the model answers', async () => {
    const request = {
      model_name: 'slow-text',
      inputs: [
        { name: 'text', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from('hi')] } },
      ],
    };
    const startedAt = Date.now();
    await expect(infer(request, 150)).rejects.toMatchObject({ code: DEADLINE_EXCEEDED });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it("answers DEADLINE_EXCEEDED from Triton's timeout parameter, in microseconds", async () => {
    const request = {
      model_name: 'slow-text',
      parameters: { timeout: { int64_param: 100_000 } },
      inputs: [
        { name: 'text', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from('hi')] } },
      ],
    };
    await expect(infer(request)).rejects.toMatchObject({
      code: DEADLINE_EXCEEDED,
      details: expect.stringMatching(/deadline/),
    });
  });

  it('answers INVALID_ARGUMENT for a priority parameter of the wrong type', async () => {
    const request = {
      parameters: { priority: { string_param: 'high' } },
      inputs: [features(1)],
      raw_input_contents: [toRawFloat32([1, 2, 3, 4])],
    };
    await expect(infer(request)).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: expect.stringMatching(/priority/),
    });
  });
});
