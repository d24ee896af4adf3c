import { create } from '@bufbuild/protobuf';
import { BatchingMode, ModelSpecSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { toBatchLimits } from './batch-limits.js';

function specWith(mode: BatchingMode, maxQueueDelayUs: number) {
  return create(ModelSpecSchema, { name: 'm', batching: { mode, maxBatchSize: 8, maxQueueDelayUs } });
}

describe('toBatchLimits', () => {
  it("takes the registry's delay, and 50 ms for static batching without one", () => {
    expect(toBatchLimits(specWith(BatchingMode.DYNAMIC, 2_000))).toEqual({
      maxBatchSize: 8,
      maxQueueDelayMs: 2,
      fixedSize: false,
      preferredBatchSizes: [],
      maxBatchUnits: Infinity,
    });
    expect(toBatchLimits(specWith(BatchingMode.DYNAMIC, 0))).toEqual({
      maxBatchSize: 8,
      maxQueueDelayMs: 0,
      fixedSize: false,
      preferredBatchSizes: [],
      maxBatchUnits: Infinity,
    });
    expect(toBatchLimits(specWith(BatchingMode.STATIC, 0))).toEqual({
      maxBatchSize: 8,
      maxQueueDelayMs: 50,
      fixedSize: true,
      preferredBatchSizes: [],
      maxBatchUnits: Infinity,
    });
  });

  it("replaces the registry's delay with a knob's, for static and dynamic batching alike", () => {
    expect(toBatchLimits(specWith(BatchingMode.DYNAMIC, 2_000), 500).maxQueueDelayMs).toBe(0.5);
    expect(toBatchLimits(specWith(BatchingMode.STATIC, 0), 0).maxQueueDelayMs).toBe(0);
    expect(toBatchLimits(specWith(BatchingMode.STATIC, 30_000), 80_000).maxQueueDelayMs).toBe(80);
  });

  it('runs one job per call without batching, whatever a knob says', () => {
    for (const mode of [BatchingMode.NONE, BatchingMode.UNSPECIFIED]) {
      expect(toBatchLimits(specWith(mode, 2_000), 80_000)).toEqual({
        maxBatchSize: 1,
        maxQueueDelayMs: 0,
        fixedSize: false,
        preferredBatchSizes: [],
        maxBatchUnits: Infinity,
      });
    }
    expect(toBatchLimits(create(ModelSpecSchema, { name: 'm' }), 80_000)).toEqual({
      maxBatchSize: 1,
      maxQueueDelayMs: 0,
      fixedSize: false,
      preferredBatchSizes: [],
      maxBatchUnits: Infinity,
    });
  });

  it('keeps the preferred sizes of dynamic batching that fit its largest batch, ascending and once each', () => {
    const spec = create(ModelSpecSchema, {
      name: 'm',
      batching: { mode: BatchingMode.DYNAMIC, maxBatchSize: 8, preferredBatchSizes: [8, 4, 4, 16, 0] },
    });
    expect(toBatchLimits(spec).preferredBatchSizes).toEqual([4, 8]);
    spec.batching = { ...spec.batching!, mode: BatchingMode.STATIC };
    expect(toBatchLimits(spec).preferredBatchSizes).toEqual([]);
  });

  it('bounds a batch by input units only when the spec sets a bound', () => {
    const bounded = create(ModelSpecSchema, {
      name: 'm',
      batching: { mode: BatchingMode.DYNAMIC, maxBatchSize: 8, maxBatchUnits: 4096n },
    });
    expect(toBatchLimits(bounded).maxBatchUnits).toBe(4096);
    expect(toBatchLimits(specWith(BatchingMode.DYNAMIC, 0)).maxBatchUnits).toBe(Infinity);
  });

  it('runs continuous batching without a queue delay, bounded by sequences and tokens per step', () => {
    const spec = create(ModelSpecSchema, {
      name: 'm',
      batching: {
        mode: BatchingMode.CONTINUOUS,
        maxBatchSize: 32,
        maxQueueDelayUs: 5_000,
        maxStepTokens: 2048,
      },
    });
    expect(toBatchLimits(spec, 80_000)).toMatchObject({
      maxBatchSize: 32,
      maxQueueDelayMs: 0,
      continuous: { maxStepTokens: 2048 },
    });
    spec.batching!.maxStepTokens = 0;
    expect(toBatchLimits(spec).continuous).toEqual({ maxStepTokens: Infinity });
  });
});
