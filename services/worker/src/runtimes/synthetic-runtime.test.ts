import { create } from '@bufbuild/protobuf';
import { ModelSpecSchema } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import { describe, expect, it } from 'vitest';
import { createSyntheticRuntime } from './synthetic-runtime.js';

function spec(runtimeOptions: Record<string, string>, outputDatatype = 'FP32') {
  return create(ModelSpecSchema, {
    name: 'fake',
    runtime: 'synthetic',
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1n, 2n] }],
    outputs: [{ name: 'scores', datatype: outputDatatype, shape: [-1n, 4n] }],
    runtimeOptions,
  });
}

const rows = (values: number[][]): Tensor => ({
  name: 'features',
  datatype: 'FP32',
  shape: [values.length, 2],
  data: Float32Array.from(values.flat()),
});

describe('the synthetic runtime', () => {
  it('gives the same input the same confidence and a distribution whose top value is that confidence', async () => {
    const model = await createSyntheticRuntime().load(
      spec({ confidence_mean: '0.7', confidence_spread: '0.2' }),
    );
    const first = await model.infer([
      rows([
        [1, 2],
        [3, 4],
      ]),
    ]);
    const again = await model.infer([rows([[3, 4]])]);
    expect(model.synthetic).toBe(true);
    expect(first.confidences?.[1]).toBe(again.confidences?.[0]);
    for (const confidence of first.confidences ?? []) {
      expect(confidence).toBeGreaterThanOrEqual(0.5);
      expect(confidence).toBeLessThanOrEqual(0.9);
    }
    const scores = first.outputs[0]?.data as Float32Array;
    expect(first.outputs[0]?.shape).toEqual([2, 4]);
    expect(Math.max(...scores.subarray(0, 4))).toBeCloseTo(first.confidences?.[0] ?? NaN, 5);
    expect(scores.subarray(0, 4).reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 5);
  });

  it('takes its base plus per-item latency', async () => {
    const model = await createSyntheticRuntime().load(spec({ base_latency_ms: '30', per_item_ms: '10' }));
    const startedAt = performance.now();
    await model.infer([
      rows([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
    ]);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(55);
  });

  it('takes load_ms to load, a simulated cold start, and holds the memory the spec declares', async () => {
    const startedAt = performance.now();
    const model = await createSyntheticRuntime().load(
      create(ModelSpecSchema, { ...spec({ load_ms: '120' }), memoryBytes: 5_000_000n }),
    );
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(120);
    expect(model.footprintBytes).toBe(5_000_000);
  });

  it('fails every batch with a retryable error at failure_rate 1', async () => {
    const model = await createSyntheticRuntime().load(spec({ failure_rate: '1' }));
    await expect(model.infer([rows([[1, 1]])])).rejects.toMatchObject({
      name: 'ExecutionError',
      retryable: true,
    });
  });

  it('refuses options that are not numbers and outputs that are not FP32', async () => {
    await expect(createSyntheticRuntime().load(spec({ base_latency_ms: 'slow' }))).rejects.toThrow(
      /base_latency_ms/,
    );
    await expect(createSyntheticRuntime().load(spec({}, 'INT64'))).rejects.toThrow(/FP32/);
  });
});
