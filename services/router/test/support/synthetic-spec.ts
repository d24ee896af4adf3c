import { create } from '@bufbuild/protobuf';
import { BatchingMode, Modality, ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';

/**
 * A synthetic stand-in for the classifiers (features FP32 [-1, 4] → probabilities FP32 [-1, 3]),
 * dynamic batching up to `maxBatchSize`, behaving as `runtimeOptions` say (latency, failures, …).
 */
export function syntheticSpec(
  name: string,
  runtimeOptions: Record<string, string>,
  maxBatchSize = 4,
): ModelSpec {
  return create(ModelSpecSchema, {
    name,
    runtime: 'synthetic',
    task: 'classification',
    modality: Modality.STRUCTURED,
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1n, 4n] }],
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1n, 3n] }],
    batching: { mode: BatchingMode.DYNAMIC, maxBatchSize },
    runtimeOptions,
  });
}
