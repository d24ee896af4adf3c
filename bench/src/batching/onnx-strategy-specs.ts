import { create } from '@bufbuild/protobuf';
import { BatchingMode, Modality, ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import type { RandomMlpModel } from '@switchboard/models';
import type { OnnxStrategy } from './batching-strategies.js';
import type { BatchingInit } from './describe-batching.js';

/** Widths of the generated MLP: batch-1 runs take ~8 ms on a 2-core Xeon, bound by reading 167 MB of weights. */
export const DEFAULT_ONNX_LAYERS = [1024, 4096, 4096, 4096, 1000] as const;

/**
 * Each strategy's batching. Static: a batch runs with exactly 8 jobs, or after a 10 ms flush
 * timeout. Dynamic (Triton's default shape): up to 32 jobs, running at once when 32 are queued or
 * the oldest has waited 2 ms, and a batch fills while the previous one runs.
 */
export const ONNX_BATCHING: Readonly<Record<OnnxStrategy, BatchingInit>> = {
  'batch-1': { mode: BatchingMode.NONE, maxBatchSize: 1 },
  static: { mode: BatchingMode.STATIC, maxBatchSize: 8, maxQueueDelayUs: 10_000 },
  dynamic: { mode: BatchingMode.DYNAMIC, maxBatchSize: 32, maxQueueDelayUs: 2_000 },
};

/** The registry entry of the generated MLP served with `strategy`'s batching, as model `name`. */
export function toOnnxStrategySpec(name: string, strategy: OnnxStrategy, model: RandomMlpModel): ModelSpec {
  return create(ModelSpecSchema, {
    name,
    version: '1',
    runtime: 'onnx',
    artifact: model.path,
    task: 'classification',
    modality: Modality.STRUCTURED,
    inputs: [{ name: model.inputName, datatype: 'FP32', shape: [-1n, BigInt(model.inputSize)] }],
    outputs: [{ name: model.outputName, datatype: 'FP32', shape: [-1n, BigInt(model.outputSize)] }],
    batching: ONNX_BATCHING[strategy],
    memoryBytes: BigInt(model.sizeBytes),
  });
}
