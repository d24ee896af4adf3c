import { create } from '@bufbuild/protobuf';
import { BatchingMode, ModelSpecSchema } from '@switchboard/protocol';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { applyModelFlags } from './model-flags.js';
import { parseTensorFlag } from './parse-flag-values.js';

describe('parseTensorFlag', () => {
  it('reads name, datatype and a shape with variable dimensions', () => {
    expect(parseTensorFlag('features:FP32:-1,4')).toEqual({
      name: 'features',
      datatype: 'FP32',
      shape: [-1n, 4n],
    });
  });

  it('reads a scalar when the dimensions are left out', () => {
    expect(parseTensorFlag('threshold:FP64')).toEqual({ name: 'threshold', datatype: 'FP64', shape: [] });
  });

  it('rejects text without a datatype or with a non-numeric dimension', () => {
    expect(() => parseTensorFlag('features')).toThrow(InvalidArgumentError);
    expect(() => parseTensorFlag('features:FP32:-1,x')).toThrow('dimension "x" is not a whole number');
  });
});

describe('applyModelFlags', () => {
  it('turns a bare --max-batch-size into dynamic batching and keeps unrelated fields', () => {
    const spec = create(ModelSpecSchema, { name: 'm', runtime: 'onnx', qualityScore: 0.4 });

    applyModelFlags(spec, { maxBatchSize: 8 });

    expect(spec.batching).toMatchObject({ mode: BatchingMode.DYNAMIC, maxBatchSize: 8 });
    expect(spec.qualityScore).toBe(0.4);
  });

  it('gives --batching none a batch size of one', () => {
    const spec = create(ModelSpecSchema, { name: 'm' });

    applyModelFlags(spec, { batching: BatchingMode.NONE });

    expect(spec.batching).toMatchObject({ mode: BatchingMode.NONE, maxBatchSize: 1 });
  });

  it('merges runtime options and removes those given as key=', () => {
    const spec = create(ModelSpecSchema, { name: 'm', runtimeOptions: { keep: '1', drop: '2' } });

    applyModelFlags(spec, {
      option: [
        ['drop', ''],
        ['add', '3'],
      ],
    });

    expect(spec.runtimeOptions).toEqual({ keep: '1', add: '3' });
  });

  it('sets the latency priors from their flags and keeps them when the flags are absent', () => {
    const spec = create(ModelSpecSchema, { name: 'm', latencyPriorMs: 2, latencyPriorPerUnitUs: 3 });

    applyModelFlags(spec, { latencyPriorMs: 0.25 });

    expect([spec.latencyPriorMs, spec.latencyPriorPerUnitUs]).toEqual([0.25, 3]);
  });
});
