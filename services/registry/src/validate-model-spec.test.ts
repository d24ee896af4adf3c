import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import {
  BatchingMode,
  BatchingSpecSchema,
  ModelSpecSchema,
  ScalingSpecSchema,
  TensorSpecSchema,
} from '@switchboard/protocol';
import type { Modality, ScalingSpec } from '@switchboard/protocol';
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

  it('rejects preferred sizes outside the batch or outside dynamic batching, and a step budget outside continuous batching', () => {
    const spec = minimal();
    spec.batching = create(BatchingSpecSchema, {
      mode: BatchingMode.STATIC,
      maxBatchSize: 8,
      preferredBatchSizes: [4, 16],
      maxStepTokens: 512,
    });

    expect(() => validateModelSpec(spec)).toThrow(
      /preferred_batch_sizes apply to DYNAMIC batching only.*preferred_batch_sizes 16 must each be between 1 and max_batch_size 8.*max_step_tokens applies to CONTINUOUS batching only/,
    );
  });

  it('rejects an input-unit bound on continuous batching, which steps are bounded by instead', () => {
    const spec = minimal();
    spec.batching = create(BatchingSpecSchema, {
      mode: BatchingMode.CONTINUOUS,
      maxBatchSize: 8,
      maxBatchUnits: 4096n,
    });

    expect(() => validateModelSpec(spec)).toThrow(/max_batch_units bounds static and dynamic batches/);
  });

  it('accepts continuous batching with a step budget and dynamic batching with preferred sizes and a unit bound', () => {
    const spec = minimal();
    spec.batching = create(BatchingSpecSchema, {
      mode: BatchingMode.CONTINUOUS,
      maxBatchSize: 64,
      maxStepTokens: 4096,
    });
    expect(() => validateModelSpec(spec)).not.toThrow();
    spec.batching = create(BatchingSpecSchema, {
      mode: BatchingMode.DYNAMIC,
      maxBatchSize: 32,
      preferredBatchSizes: [8, 32],
      maxBatchUnits: 1_000_000n,
    });
    expect(() => validateModelSpec(spec)).not.toThrow();
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

describe('validateModelSpec scaling', () => {
  const withScaling = (scaling: Partial<Omit<ScalingSpec, '$typeName'>>) => {
    const spec = minimal();
    spec.scaling = create(ScalingSpecSchema, scaling);
    return spec;
  };

  it('keeps sound bounds, an unbounded maximum and the largest limits', () => {
    expect(validateModelSpec(withScaling({ minReplicas: 2, maxReplicas: 2 })).scaling).toMatchObject({
      minReplicas: 2,
      maxReplicas: 2,
    });
    expect(validateModelSpec(withScaling({ minReplicas: 5 })).scaling).toMatchObject({
      minReplicas: 5,
      maxReplicas: 0,
    });
    const largest = { maxReplicas: 1000, queueWaitSloMs: 3_600_000, idleUnloadSeconds: 604_800 };
    expect(validateModelSpec(withScaling(largest)).scaling).toMatchObject(largest);
  });

  it('stores a scaling spec of zeros as absent, since it asks for the defaults as no spec does', () => {
    expect(validateModelSpec(withScaling({})).scaling).toBeUndefined();
  });

  it('rejects a minimum above a bounded maximum and says how to fix it', () => {
    expect(() => validateModelSpec(withScaling({ minReplicas: 4, maxReplicas: 3 }))).toThrow(
      /invalid model "tiny": scaling.min_replicas 4 exceeds scaling.max_replicas 3; lower min_replicas, raise max_replicas or set it to 0/,
    );
  });

  it('names every scaling field above its limit in one message', () => {
    const spec = withScaling({
      minReplicas: 1001,
      maxReplicas: 1001,
      queueWaitSloMs: 3_600_001,
      idleUnloadSeconds: 604_801,
    });

    expect(() => validateModelSpec(spec)).toThrow(InvalidArgumentError);
    expect(() => validateModelSpec(spec)).toThrow(
      /scaling.min_replicas 1001 must be <= 1000; scaling.max_replicas 1001 must be <= 1000 \(0 = no bound but the pool\); scaling.queue_wait_slo_ms 3600001 must be <= 3600000 \(1 h\); scaling.idle_unload_seconds 604801 must be <= 604800 \(7 days\)$/,
    );
  });
});
