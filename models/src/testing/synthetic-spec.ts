import { create } from '@bufbuild/protobuf';
import { BatchingMode, Modality, ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';

/** What a synthetic model costs and how good it is. */
export interface SyntheticEconomics {
  costMicros?: number;
  quality?: number;
  /** @default the model's `base_latency_ms` runtime option */
  latencyPriorMs?: number;
}

/**
 * A synthetic stand-in for the classifiers (features FP32 [-1, 4] → probabilities FP32 [-1, 3]),
 * dynamic batching up to `maxBatchSize`, behaving as `runtimeOptions` say (latency, failures, …).
 */
export function syntheticSpec(
  name: string,
  runtimeOptions: Record<string, string>,
  maxBatchSize = 4,
  /** Price, quality and latency prior, as the registry holds them. */
  economics: SyntheticEconomics = {},
): ModelSpec {
  return create(ModelSpecSchema, {
    costPerCallMicros: BigInt(economics.costMicros ?? 0),
    qualityScore: economics.quality ?? 0,
    latencyPriorMs: economics.latencyPriorMs ?? Number(runtimeOptions['base_latency_ms'] ?? 0),
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

/** A synthetic text model: BYTES text [-1] → FP32 scores [-1, 2], dynamic batching up to `maxBatchSize`. */
export function syntheticTextSpec(
  name: string,
  runtimeOptions: Record<string, string>,
  maxBatchSize = 4,
): ModelSpec {
  return create(ModelSpecSchema, {
    name,
    runtime: 'synthetic',
    task: 'classification',
    modality: Modality.TEXT,
    inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1n] }],
    outputs: [{ name: 'scores', datatype: 'FP32', shape: [-1n, 2n] }],
    batching: { mode: BatchingMode.DYNAMIC, maxBatchSize },
    runtimeOptions,
  });
}
