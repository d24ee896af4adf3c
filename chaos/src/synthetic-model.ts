import { create } from '@bufbuild/protobuf';
import { BatchingMode, Modality, ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';

/**
 * A synthetic classifier (features FP32 [-1, 4] → probabilities FP32 [-1, 3]) with dynamic batching
 * up to `maxBatchSize`, behaving as `runtimeOptions` say (`base_latency_ms`, `failure_rate`, …; see
 * the worker README). Its latency prior is its base latency, so the router predicts it right.
 */
export function syntheticModel(
  name: string,
  runtimeOptions: Record<string, string>,
  maxBatchSize = 4,
): ModelSpec {
  return create(ModelSpecSchema, {
    name,
    runtime: 'synthetic',
    task: 'classification',
    modality: Modality.STRUCTURED,
    latencyPriorMs: Number(runtimeOptions['base_latency_ms'] ?? 0),
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1n, 4n] }],
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1n, 3n] }],
    batching: { mode: BatchingMode.DYNAMIC, maxBatchSize },
    runtimeOptions,
  });
}
