import { create } from '@bufbuild/protobuf';
import { BatchingMode, ModelSpecSchema } from '@switchboard/protocol';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { applyModelFlags } from './model-flags.js';
import {
  parseCountList,
  parseDurationMs,
  parseDurationSeconds,
  parseTensorFlag,
} from './parse-flag-values.js';

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

describe('parseCountList', () => {
  it('reads comma-separated counts and names the expected form otherwise', () => {
    expect(parseCountList('4, 8,16')).toEqual([4, 8, 16]);
    expect(() => parseCountList('4,eight')).toThrow('separated by commas');
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

  it('sets continuous batching with a step budget, and preferred sizes and a unit bound', () => {
    const spec = create(ModelSpecSchema, { name: 'm' });

    applyModelFlags(spec, { batching: BatchingMode.CONTINUOUS, maxBatchSize: 32, maxStepTokens: 2048 });
    expect(spec.batching).toMatchObject({
      mode: BatchingMode.CONTINUOUS,
      maxBatchSize: 32,
      maxStepTokens: 2048,
    });

    applyModelFlags(spec, {
      batching: BatchingMode.DYNAMIC,
      preferredBatchSizes: [4, 8],
      maxBatchUnits: 4096n,
    });
    expect(spec.batching).toMatchObject({
      mode: BatchingMode.DYNAMIC,
      preferredBatchSizes: [4, 8],
      maxBatchUnits: 4096n,
    });
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

describe('parseDurationMs and parseDurationSeconds', () => {
  it('read durations with units, bare milliseconds and zero', () => {
    expect(['500ms', '2s', '1.5s', '10m', '1h', '250', '0'].map(parseDurationMs)).toEqual([
      500, 2000, 1500, 600_000, 3_600_000, 250, 0,
    ]);
    expect(['90s', '10m', '168h', '0'].map(parseDurationSeconds)).toEqual([90, 600, 604_800, 0]);
  });

  it('reject text that is no duration, a negative one, an empty one and one beyond a uint32', () => {
    for (const text of ['soon', '-5s', '', '10 m', '2000h']) {
      expect(() => parseDurationMs(text), text).toThrow('expected a duration such as 500ms');
    }
  });

  it('reject a duration of fractional seconds where whole seconds are stored', () => {
    expect(() => parseDurationSeconds('1500ms')).toThrow('expected whole seconds, such as 90s, 10m or 1h');
  });
});

describe('applyModelFlags scaling', () => {
  it('creates a scaling spec from the scaling flags, in the units the spec stores', () => {
    const spec = create(ModelSpecSchema, { name: 'm' });

    applyModelFlags(spec, { minReplicas: 1, maxReplicas: 4, queueWaitSlo: 500, idleUnload: 600 });

    expect(spec.scaling).toMatchObject({
      minReplicas: 1,
      maxReplicas: 4,
      queueWaitSloMs: 500,
      idleUnloadSeconds: 600,
    });
  });

  it('changes only the scaling fields given and leaves a model without scaling flags untouched', () => {
    const spec = create(ModelSpecSchema, {
      name: 'm',
      scaling: { minReplicas: 2, maxReplicas: 8, queueWaitSloMs: 250, idleUnloadSeconds: 60 },
    });

    applyModelFlags(spec, { maxReplicas: 0 });
    expect(spec.scaling).toMatchObject({
      minReplicas: 2,
      maxReplicas: 0,
      queueWaitSloMs: 250,
      idleUnloadSeconds: 60,
    });

    const bare = create(ModelSpecSchema, { name: 'bare' });
    applyModelFlags(bare, { quality: 0.5 });
    expect(bare.scaling).toBeUndefined();
  });
});
