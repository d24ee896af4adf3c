import { describe, expect, it } from 'vitest';
import { parseBatchingFlags } from './parse-batching-flags.js';

describe('parseBatchingFlags', () => {
  it('runs both scenarios with every strategy, the wide MLP and SLOs derived at run time by default', () => {
    const flags = parseBatchingFlags([]);
    expect(flags.scenarios).toEqual(['onnx', 'stepwise']);
    expect(flags.onnxStrategies).toEqual(['batch-1', 'static', 'dynamic']);
    expect(flags.stepwiseStrategies).toEqual(['dynamic', 'continuous']);
    expect(flags.onnxLayers).toEqual([1024, 4096, 4096, 4096, 1000]);
    expect(flags.onnxSloMs).toBeUndefined();
    expect(flags.stepwiseSloMs).toBeUndefined();
    expect(flags.trace).toMatch(/AzureLLMInferenceTrace_conv\.csv$/);
  });

  it('gives each scenario the listed strategies it has, dynamic to both', () => {
    const flags = parseBatchingFlags(['--strategies', 'dynamic,batch-1']);
    expect(flags.onnxStrategies).toEqual(['batch-1', 'dynamic']);
    expect(flags.stepwiseStrategies).toEqual(['dynamic']);
  });

  it('takes SLOs, layer widths and the sequences as given', () => {
    const flags = parseBatchingFlags([
      '--onnx-slo',
      '80',
      '--stepwise-slo',
      '24000',
      '--onnx-layers',
      '512,2048,10',
      '--sequences',
      '16',
    ]);
    expect(flags).toMatchObject({
      onnxSloMs: 80,
      stepwiseSloMs: 24_000,
      onnxLayers: [512, 2048, 10],
      sequences: 16,
    });
  });

  it('refuses a strategy it does not know and layer widths that make no network', () => {
    expect(() => parseBatchingFlags(['--strategies', 'speculative'])).toThrow(/--strategies takes a list/);
    expect(() => parseBatchingFlags(['--onnx-layers', '1024'])).toThrow(/--onnx-layers/);
    expect(() => parseBatchingFlags(['--onnx-layers', '1024,0'])).toThrow(/--onnx-layers/);
    expect(() => parseBatchingFlags(['--sequences', '2.5'])).toThrow(/--sequences/);
  });
});
