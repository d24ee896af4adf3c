import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { BatchingMode, BatchingSpecSchema, ModelSpecSchema, TensorSpecSchema } from '@switchboard/protocol';
import type { Modality } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { validateModelSpec } from './validate-model-spec.js';

const minimal = () => create(ModelSpecSchema, { name: 'tiny', runtime: 'synthetic' });

describe('validateModelSpec', () => {
  it('gives a model without a version the version "1" and clears server-owned fields', () => {
    const spec = minimal();
    spec.versions = ['9'];
    spec.updatedAtUnixMs = 42n;

    const model = validateModelSpec(spec);

    expect(model).toMatchObject({ version: '1', versions: [], updatedAtUnixMs: 0n });
    expect(spec.versions).toEqual(['9']);
  });

  it('accepts variable (-1) and fixed dimensions and every OIP datatype', () => {
    const spec = minimal();
    spec.inputs = ['BOOL', 'UINT64', 'INT8', 'FP16', 'BF16', 'BYTES'].map((datatype, index) =>
      create(TensorSpecSchema, { name: `in${index}`, datatype, shape: [-1n, 1n, 224n] }),
    );

    expect(() => validateModelSpec(spec)).not.toThrow();
  });

  it('rejects a missing model with INVALID_ARGUMENT', () => {
    expect(() => validateModelSpec(undefined)).toThrow(InvalidArgumentError);
  });

  it('names the tensor, the duplicate and the reason when tensors are malformed', () => {
    const spec = minimal();
    spec.outputs = [
      create(TensorSpecSchema, { name: 'y', datatype: 'FP32', shape: [-2n] }),
      create(TensorSpecSchema, { name: 'y', datatype: 'FP32' }),
      create(TensorSpecSchema, { datatype: 'fp32' }),
    ];

    expect(() => validateModelSpec(spec)).toThrow(
      /outputs\[0\] \(y\): shape \[-2\].*outputs\[1\] \(y\): duplicate tensor name.*outputs\[2\]: name is required.*"fp32" is not an OIP datatype/,
    );
  });

  it('rejects batching that asks for no batching and a batch of 8 at once', () => {
    const spec = minimal();
    spec.batching = create(BatchingSpecSchema, {
      mode: BatchingMode.NONE,
      maxBatchSize: 8,
    });

    expect(() => validateModelSpec(spec)).toThrow(/mode NONE runs one job per call/);
  });

  it('rejects NaN quality, infinite unit cost, a version with spaces and an unknown modality', () => {
    const spec = minimal();
    spec.qualityScore = Number.NaN;
    spec.costPerUnitMicros = Number.POSITIVE_INFINITY;
    spec.version = 'v 2';
    spec.modality = 99 as Modality;

    expect(() => validateModelSpec(spec)).toThrow(
      /version "v 2" must be.*modality 99 is not a known Modality.*quality_score NaN.*cost_per_unit_micros Infinity/,
    );
  });
});
