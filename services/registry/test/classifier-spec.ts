import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { BatchingMode, Modality, ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';

/** The plain-object form of a ModelSpec that `create` accepts. */
type ModelSpecInit = Exclude<MessageInitShape<typeof ModelSpecSchema>, ModelSpec>;

/** A valid ONNX classifier spec; `overrides` replace top-level fields. */
export function classifierSpec(overrides: ModelSpecInit = {}): ModelSpec {
  return create(ModelSpecSchema, {
    name: 'classifier-small',
    task: 'classification',
    modality: Modality.STRUCTURED,
    runtime: 'onnx',
    artifact: 'models/classifier-small.onnx',
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1n, 4n] }],
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1n, 3n] }],
    costPerCallMicros: 10n,
    costPerUnitMicros: 0.5,
    qualityScore: 0.8,
    memoryBytes: 1_048_576n,
    batching: { mode: BatchingMode.DYNAMIC, maxBatchSize: 16, maxQueueDelayUs: 2000 },
    runtimeOptions: { threads: '1' },
    ...overrides,
  });
}
