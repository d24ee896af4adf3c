import type { MessageInitShape } from '@bufbuild/protobuf';
import { BatchingMode, Modality } from '@switchboard/protocol';
import type { ModelSpecSchema, RouteSpecSchema } from '@switchboard/protocol';
import { MODEL_ZOO, modelsOf, ROUTE_BY_MODALITY } from './model-zoo.js';
import type { WorkloadModality, ZooModel } from './model-zoo.js';

/** How the models of one modality are called: their one input and one output, and batching. */
export interface ModalityInterface {
  readonly modality: Modality;
  readonly input: { readonly name: string; readonly datatype: string; readonly shape: readonly bigint[] };
  readonly output: { readonly name: string; readonly datatype: string; readonly shape: readonly bigint[] };
  readonly maxBatchSize: number;
  /** Input elements per unit of complexity: the synthetic runtime charges per element, the router per unit. */
  readonly elementsPerUnit: number;
}

/**
 * Text arrives as token ids (INT32 [1, tokens]): the trace gives token counts, not text, and the
 * router counts one token per element of a non-BYTES text input, so the synthetic runtime's
 * per-element time is a per-token time. Images are 8-bit RGB (UINT8 [1, H, W, 3]): the router
 * counts pixels, the runtime elements (3 per pixel). Structured requests are 32 FP32 features.
 */
export const MODALITY_INTERFACES: Readonly<Record<WorkloadModality, ModalityInterface>> = {
  text: {
    modality: Modality.TEXT,
    input: { name: 'input_ids', datatype: 'INT32', shape: [-1n, -1n] },
    output: { name: 'logits', datatype: 'FP32', shape: [-1n, 4n] },
    maxBatchSize: 8,
    elementsPerUnit: 1,
  },
  image: {
    modality: Modality.IMAGE,
    input: { name: 'image', datatype: 'UINT8', shape: [-1n, -1n, -1n, 3n] },
    output: { name: 'probabilities', datatype: 'FP32', shape: [-1n, 10n] },
    maxBatchSize: 16,
    elementsPerUnit: 3,
  },
  structured: {
    modality: Modality.STRUCTURED,
    input: { name: 'features', datatype: 'FP32', shape: [-1n, 32n] },
    output: { name: 'probabilities', datatype: 'FP32', shape: [-1n, 2n] },
    maxBatchSize: 64,
    elementsPerUnit: 1,
  },
};

type ModelSpecInit = MessageInitShape<typeof ModelSpecSchema>;
type RouteSpecInit = MessageInitShape<typeof RouteSpecSchema>;

/**
 * The registry spec of a zoo model: the synthetic runtime with the model's latency behaviour and a
 * fixed seed, and a latency prior equal to its true mean, as an operator who benchmarked it would set.
 */
export function toModelSpec(model: ZooModel): ModelSpecInit {
  const face = MODALITY_INTERFACES[model.modality];
  return {
    name: model.name,
    runtime: 'synthetic',
    task: 'classification',
    modality: face.modality,
    inputs: [{ ...face.input, shape: [...face.input.shape] }],
    outputs: [{ ...face.output, shape: [...face.output.shape] }],
    costPerCallMicros: BigInt(model.costPerCallMicros),
    costPerUnitMicros: model.costPerUnitMicros,
    qualityScore: model.quality,
    // Delay 0: a batch runs as soon as the model is free, so batches form only under load.
    batching: { mode: BatchingMode.DYNAMIC, maxBatchSize: face.maxBatchSize, maxQueueDelayUs: 0 },
    runtimeOptions: {
      base_latency_ms: String(model.baseLatencyMs),
      per_item_ms: String(model.perItemMs),
      per_unit_us: String(model.perElementUs),
      jitter_ms: String(model.jitterMs),
      seed: String(MODEL_ZOO.indexOf(model) + 1),
    },
    latencyPriorMs: model.baseLatencyMs + model.perItemMs + model.jitterMs / 2,
    latencyPriorPerUnitUs: model.perElementUs * face.elementsPerUnit,
  };
}

/**
 * The route of one modality: its models cheapest first, each accepting that modality up to its
 * size limit, with the default policy (cheapest feasible model, degrade to the fastest when none
 * is feasible, up to 3 attempts).
 */
export function toRouteSpec(modality: WorkloadModality): RouteSpecInit {
  const face = MODALITY_INTERFACES[modality];
  return {
    name: ROUTE_BY_MODALITY[modality],
    description: `selection benchmark: ${modality} requests`,
    candidates: modelsOf(modality).map((model) => ({
      model: model.name,
      conditions: { modalities: [face.modality], maxComplexity: model.maxComplexity ?? 0 },
    })),
  };
}
