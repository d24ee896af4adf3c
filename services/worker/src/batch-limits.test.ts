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
    });
    expect(toBatchLimits(specWith(BatchingMode.DYNAMIC, 0))).toEqual({
      maxBatchSize: 8,
      maxQueueDelayMs: 0,
      fixedSize: false,
    });
    expect(toBatchLimits(specWith(BatchingMode.STATIC, 0))).toEqual({
      maxBatchSize: 8,
      maxQueueDelayMs: 50,
      fixedSize: true,
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
      });
    }
    expect(toBatchLimits(create(ModelSpecSchema, { name: 'm' }), 80_000)).toEqual({
      maxBatchSize: 1,
      maxQueueDelayMs: 0,
      fixedSize: false,
    });
  });
});
