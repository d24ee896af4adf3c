import { create } from '@bufbuild/protobuf';
import { BatchingMode, DataType, ModelSpecSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { toModelConfig } from './model-config.js';

const textModel = (batching?: { mode: BatchingMode; maxBatchSize: number; preferredBatchSizes?: number[] }) =>
  create(ModelSpecSchema, {
    name: 'chat',
    version: 'v2',
    runtime: 'synthetic',
    inputs: [{ name: 'prompt', datatype: 'BYTES', shape: [-1n, 1n] }],
    outputs: [{ name: 'logits', datatype: 'FP16', shape: [-1n, 8n] }],
    ...(batching === undefined ? {} : { batching: { maxQueueDelayUs: 500, ...batching } }),
  });

describe('toModelConfig', () => {
  it('keeps the full shapes and max_batch_size 0 for a model that does not batch, as Triton does', () => {
    const config = toModelConfig(textModel({ mode: BatchingMode.NONE, maxBatchSize: 8 }));
    expect(config.maxBatchSize).toBe(0);
    expect(config.input[0]).toMatchObject({
      name: 'prompt',
      dataType: DataType.TYPE_STRING,
      dims: [-1n, 1n],
    });
    expect(config.output[0]).toMatchObject({ dataType: DataType.TYPE_FP16, dims: [-1n, 8n] });
    expect(config.schedulingChoice.case).toBeUndefined();
  });

  it('drops the batch dimension and states dynamic batching with its preferred sizes and delay', () => {
    const config = toModelConfig(
      textModel({ mode: BatchingMode.DYNAMIC, maxBatchSize: 8, preferredBatchSizes: [4, 8] }),
      'chat-route',
    );
    expect(config.name).toBe('chat-route');
    expect(config.maxBatchSize).toBe(8);
    expect(config.input[0]!.dims).toEqual([1n]);
    expect(config.schedulingChoice).toEqual({
      case: 'dynamicBatching',
      value: expect.objectContaining({ preferredBatchSize: [4, 8], maxQueueDelayMicroseconds: 500n }),
    });
  });

  it('names a numeric served version in a specific policy, and any other as the latest one', () => {
    expect(toModelConfig(textModel()).versionPolicy?.policyChoice).toEqual({
      case: 'latest',
      value: expect.objectContaining({ numVersions: 1 }),
    });
    const numbered = create(ModelSpecSchema, { ...textModel(), version: '3' });
    expect(toModelConfig(numbered).versionPolicy?.policyChoice).toEqual({
      case: 'specific',
      value: expect.objectContaining({ versions: [3n] }),
    });
    expect(toModelConfig(numbered).platform).toBe('synthetic');
  });
});
