import { create } from '@bufbuild/protobuf';
import { BatchingMode, Modality, ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { readModelManifest } from './read-model-manifest.js';

/** What one call of the smallest model costs, in millionths of a dollar; larger models scale by compute. */
const BASE_COST_PER_CALL_MICROS = 10;

/**
 * Registry entries for the generated classifiers: ONNX runtime, dynamic batching, quality from
 * held-out accuracy and a per-call cost proportional to each model's compute.
 */
export function classifierModelSpecs(): ModelSpec[] {
  return readModelManifest().models.map((entry) =>
    create(ModelSpecSchema, {
      name: entry.name,
      version: '1',
      task: 'classification',
      modality: Modality.STRUCTURED,
      runtime: 'onnx',
      artifact: entry.path,
      inputs: entry.inputs.map(({ name, datatype, shape }) => ({ name, datatype, shape: shape.map(BigInt) })),
      outputs: entry.outputs.map(({ name, datatype, shape }) => ({
        name,
        datatype,
        shape: shape.map(BigInt),
      })),
      costPerCallMicros: BigInt(Math.round(BASE_COST_PER_CALL_MICROS * entry.relativeCost)),
      qualityScore: entry.heldOutAccuracy,
      memoryBytes: BigInt(entry.sizeBytes),
      batching: { mode: BatchingMode.DYNAMIC, maxBatchSize: 32, maxQueueDelayUs: 1_000 },
    }),
  );
}
