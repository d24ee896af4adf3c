import { classifierModelSpecs, readModelManifest } from '@switchboard/models';
import { fromRawFloat32, runReferenceModel, toRawFloat32 } from '@switchboard/models/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const FEATURES = [0.3, -1.2, 0.8, 0.05, -0.7, 0.4, 1.1, -0.2, 0.9, 0.9, -0.9, 0.1];
const ROWS = FEATURES.length / 4;

interface InferResponse {
  model_name: string;
  id: string;
  outputs: Array<{ name: string; datatype: string; shape: number[] }>;
  raw_output_contents: Buffer[];
  parameters: Record<string, { string_param?: string; int64_param?: number; parameter_choice?: string }>;
}

function expectClose(actual: number[], expected: Float64Array): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index] ?? NaN, 5));
}

describe('the Open Inference Protocol front door', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('oip');
    for (const model of classifierModelSpecs()) await system.registry.registerModel({ model });
    await system.registry.putRoute({
      route: { name: 'classify', candidates: [{ model: 'classifier-small' }, { model: 'classifier-large' }] },
    });
    await system.startWorker(['classifier-small', 'classifier-large']);
    await system.waitUntilReady('classifier-small');
    await system.waitUntilReady('classifier-large');
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers ServerLive, ServerReady and ServerMetadata to a client built only from the .proto', async () => {
    expect(await system.oip.call('ServerLive', {})).toEqual({ live: true });
    expect(await system.oip.call('ServerReady', {})).toEqual({ ready: true });
    const metadata = await system.oip.call<{ name: string; version: string; extensions: string[] }>(
      'ServerMetadata',
      {},
    );
    expect(metadata.name).toBe('switchboard');
    expect(metadata.version).toMatch(/^\d+\.\d+\.\d+/);
    // The extensions a Triton client looks for before calling them, as the HTTP door's GET /v2 lists them.
    expect(metadata.extensions).toEqual(
      expect.arrayContaining(['model_configuration', 'statistics', 'model_repository']),
    );
  });

  it('reports model readiness and metadata from the registry', async () => {
    expect(await system.oip.call('ModelReady', { name: 'classifier-large' })).toEqual({ ready: true });
    const metadata = await system.oip.call<Record<string, unknown>>('ModelMetadata', {
      name: 'classifier-small',
    });
    expect(metadata).toMatchObject({
      name: 'classifier-small',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }],
    });
    await expect(system.oip.call('ModelReady', { name: 'no-such-model' })).rejects.toMatchObject({ code: 5 });
  });

  for (const entry of readModelManifest().models) {
    const expected = runReferenceModel(entry.path, Float32Array.from(FEATURES), ROWS);

    it(`runs ${entry.name} with typed contents and matches the reference computation`, async () => {
      const response = await system.oip.call<InferResponse>('ModelInfer', {
        model_name: entry.name,
        id: 'typed-1',
        inputs: [
          { name: 'features', datatype: 'FP32', shape: [ROWS, 4], contents: { fp32_contents: FEATURES } },
        ],
      });
      expect(response.model_name).toBe(entry.name);
      expect(response.id).toBe('typed-1');
      expect(response.outputs).toEqual([
        expect.objectContaining({ name: 'probabilities', datatype: 'FP32', shape: [ROWS, 3] }),
      ]);
      expectClose(fromRawFloat32(response.raw_output_contents[0] ?? Buffer.alloc(0)), expected);
    });

    it(`runs ${entry.name} with raw contents and matches the reference computation`, async () => {
      const response = await system.oip.call<InferResponse>('ModelInfer', {
        model_name: entry.name,
        inputs: [{ name: 'features', datatype: 'FP32', shape: [ROWS, 4] }],
        raw_input_contents: [toRawFloat32(FEATURES)],
      });
      expectClose(fromRawFloat32(response.raw_output_contents[0] ?? Buffer.alloc(0)), expected);
      expect(response.parameters['switchboard.model']?.string_param).toBe(entry.name);
    });
  }

  it('serves a route through one of its models and says which', async () => {
    const response = await system.oip.call<InferResponse>('ModelInfer', {
      model_name: 'classify',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4] }],
      raw_input_contents: [toRawFloat32(FEATURES.slice(0, 4))],
    });
    expect(response.model_name).toBe('classify');
    expect(['classifier-small', 'classifier-large']).toContain(
      response.parameters['switchboard.model']?.string_param,
    );
    expect(response.parameters['switchboard.route']?.string_param).toBe('classify');
  });
});
