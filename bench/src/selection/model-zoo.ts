/** The request types of the workload; each has its own models and route. */
export type WorkloadModality = 'text' | 'image' | 'structured';

/** The tenant tiers of the workload. */
export type Tier = 'free' | 'standard' | 'premium';

/** A synthetic model of the zoo: what it costs, how good it is and how long it takes. */
export interface ZooModel {
  readonly name: string;
  readonly modality: WorkloadModality;
  /** `quality_score`, in [0, 1]. */
  readonly quality: number;
  /** Millionths of a US dollar per call. */
  readonly costPerCallMicros: number;
  /** Millionths of a US dollar per unit of complexity: per token (text), per pixel (image). */
  readonly costPerUnitMicros: number;
  /** Synthetic runtime: a runtime call takes base + per item × rows + per element × input elements + jitter. */
  readonly baseLatencyMs: number;
  readonly perItemMs: number;
  readonly perElementUs: number;
  /** Uniform extra latency in [0, jitterMs). */
  readonly jitterMs: number;
  /** Largest request, in complexity units, its route candidate accepts; undefined for any size. */
  readonly maxComplexity?: number;
}

/**
 * Text: the accuracies of the reference table in /work/shared/data/routing/README.md (RouterBench
 * held-out splits): always mistral-7b-chat 0.589, mixtral-8x7b-chat 0.743, gpt-4-1106-preview
 * 0.874. Prices per token keep that table's cost ratio ($0.078 : $0.237 : $4.796 ≈ 1 : 3 : 61).
 * Image and structured qualities and all latencies are illustrative, chosen so that the better
 * model is slower and dearer. Latencies are scaled down (milliseconds, not seconds) so that a
 * 30-second replay holds thousands of requests.
 */
export const MODEL_ZOO: readonly ZooModel[] = [
  {
    name: 'text-small',
    modality: 'text',
    quality: 0.589,
    costPerCallMicros: 0,
    costPerUnitMicros: 0.2,
    baseLatencyMs: 4,
    perItemMs: 0,
    perElementUs: 2,
    jitterMs: 1,
    // A small model's context window: longer prompts go to the larger models.
    maxComplexity: 4_096,
  },
  {
    name: 'text-medium',
    modality: 'text',
    quality: 0.743,
    costPerCallMicros: 0,
    costPerUnitMicros: 0.6,
    baseLatencyMs: 8,
    perItemMs: 0,
    perElementUs: 6,
    jitterMs: 2,
  },
  {
    name: 'text-large',
    modality: 'text',
    quality: 0.874,
    costPerCallMicros: 0,
    costPerUnitMicros: 12,
    baseLatencyMs: 20,
    perItemMs: 0,
    perElementUs: 15,
    jitterMs: 5,
  },
  {
    name: 'image-small',
    modality: 'image',
    quality: 0.76,
    costPerCallMicros: 50,
    costPerUnitMicros: 0,
    baseLatencyMs: 3,
    perItemMs: 0.5,
    perElementUs: 0.01,
    jitterMs: 1,
  },
  {
    name: 'image-large',
    modality: 'image',
    quality: 0.86,
    costPerCallMicros: 300,
    costPerUnitMicros: 0,
    baseLatencyMs: 12,
    perItemMs: 2,
    perElementUs: 0.05,
    jitterMs: 3,
  },
  {
    name: 'structured-small',
    modality: 'structured',
    quality: 0.8,
    costPerCallMicros: 5,
    costPerUnitMicros: 0,
    baseLatencyMs: 1,
    perItemMs: 0.02,
    perElementUs: 0,
    jitterMs: 0.5,
  },
  {
    name: 'structured-large',
    modality: 'structured',
    quality: 0.88,
    costPerCallMicros: 20,
    costPerUnitMicros: 0,
    baseLatencyMs: 4,
    perItemMs: 0.1,
    perElementUs: 0,
    jitterMs: 1,
  },
];

/** The route clients of each request type call. */
export const ROUTE_BY_MODALITY: Readonly<Record<WorkloadModality, string>> = {
  text: 'chat',
  image: 'vision',
  structured: 'tabular',
};

/** A tier's latency budget and quality floor, as the router's `ROUTER_TIERS` states them. */
export interface TierSettings {
  readonly slaMs: number;
  readonly minQuality: number;
}

/**
 * The router's tiers in this benchmark (`ROUTER_TIERS`): the default budgets, with a quality floor
 * per paid tier that one model of every modality meets — the default premium floor, 0.9, is above
 * every text model of the zoo, so premium text would always be served degraded.
 */
export const TIERS: Readonly<Record<Tier, TierSettings>> = {
  free: { slaMs: 5_000, minQuality: 0 },
  standard: { slaMs: 1_000, minQuality: 0.7 },
  premium: { slaMs: 500, minQuality: 0.85 },
};

/** The zoo's models of one modality, in route order (cheapest first). */
export function modelsOf(modality: WorkloadModality): ZooModel[] {
  return MODEL_ZOO.filter((model) => model.modality === modality);
}

/**
 * The zoo model named `name`.
 * @throws Error when the zoo has no such model (a response named a model the bench did not register).
 */
export function findZooModel(name: string): ZooModel {
  const model = MODEL_ZOO.find((candidate) => candidate.name === name);
  if (model === undefined) throw new Error(`no model "${name}" in the benchmark's zoo`);
  return model;
}
