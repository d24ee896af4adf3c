import { create } from '@bufbuild/protobuf';
import { BatchingMode, Modality, ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { readModelManifest } from './read-model-manifest.js';

/** What one call of the smallest model costs, in millionths of a dollar; larger models scale by compute. */
const BASE_COST_PER_CALL_MICROS = 10;

/**
 * The router's service-time prior per classifier, in ms: a starting point it replaces with measured
 * answers. A bare onnxruntime-node call of either model takes about 10 µs on one core, so the
 * figures mostly stand for the worker and NATS around it; the large model gets the larger one
 * because it does ~300× the work per row. Rows are too cheap to matter, so nothing per unit.
 */
const LATENCY_PRIOR_MS: Readonly<Record<string, number>> = {
  'classifier-small': 0.2,
  'classifier-large': 1,
};
/** For a model the generator may add later without a measured prior: the large one's, to be safe. */
const DEFAULT_LATENCY_PRIOR_MS = 1;

/**
 * Registry entries for the generated classifiers: ONNX runtime, dynamic batching, quality from
 * held-out accuracy, a per-call cost proportional to each model's compute and a latency prior
 * (classifier-small 0.2 ms, classifier-large 1 ms, nothing per unit).
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
      latencyPriorMs: LATENCY_PRIOR_MS[entry.name] ?? DEFAULT_LATENCY_PRIOR_MS,
      latencyPriorPerUnitUs: 0,
    }),
  );
}
