import { create } from '@bufbuild/protobuf';
import {
  BatchingMode,
  BatchingModeSchema,
  Modality,
  ModalitySchema,
  ModelSpecSchema,
} from '@switchboard/protocol';
import type { BatchingSpec, ModelSpec, ScalingSpec, TensorSpec } from '@switchboard/protocol';
import { enumFromText, enumToText } from './enum-text.js';

/** A tensor spec in jsonb; shapes as numbers (dimensions are far below 2^53). */
interface TensorJson {
  name: string;
  datatype: string;
  shape: number[];
}

/** A batching spec in jsonb; the mode as a lowercase name so the table reads well in psql. */
interface BatchingJson {
  mode: string;
  maxBatchSize: number;
  maxQueueDelayUs: number;
  /** Absent in rows written before preferred sizes, unit bounds and step budgets existed. */
  preferredBatchSizes?: number[];
  /** A decimal string: jsonb numbers would lose precision beyond 2^53. */
  maxBatchUnits?: string;
  maxStepTokens?: number;
}

/** A scaling spec in jsonb; every field is written, 0 meaning the resource manager's default. */
interface ScalingJson {
  minReplicas: number;
  maxReplicas: number;
  queueWaitSloMs: number;
  idleUnloadSeconds: number;
}

/** The `models` columns a ModelSpec determines (everything but timestamps, versions and their artifacts). */
interface ModelColumns {
  name: string;
  task: string;
  modality: string;
  runtime: string;
  artifact: string;
  inputs: TensorJson[];
  outputs: TensorJson[];
  cost_per_call_micros: bigint;
  cost_per_unit_micros: number;
  quality_score: number;
  memory_bytes: bigint;
  batching: BatchingJson | null;
  scaling: ScalingJson | null;
  runtime_options: Record<string, string>;
  current_version: string;
  latency_prior_ms: number;
  latency_prior_per_unit_us: number;
}

/** A row of `models` with the model's versions, as the queries in model-store.ts select it. */
export interface ModelRow extends ModelColumns {
  updated_at: Date;
  /** Every version, oldest first. */
  versions: string[];
  /** The artifact of every version, by version; null only for a model without versions, which inserts never leave. */
  version_artifacts: Record<string, string> | null;
}

/** Converts a validated ModelSpec into `models` column values. */
export function toModelColumns(spec: ModelSpec): ModelColumns {
  return {
    name: spec.name,
    task: spec.task,
    modality: enumToText(ModalitySchema, spec.modality),
    runtime: spec.runtime,
    artifact: spec.artifact,
    inputs: spec.inputs.map(toTensorJson),
    outputs: spec.outputs.map(toTensorJson),
    cost_per_call_micros: spec.costPerCallMicros,
    cost_per_unit_micros: spec.costPerUnitMicros,
    quality_score: spec.qualityScore,
    memory_bytes: spec.memoryBytes,
    batching: spec.batching === undefined ? null : toBatchingJson(spec.batching),
    scaling: spec.scaling === undefined ? null : toScalingJson(spec.scaling),
    runtime_options: { ...spec.runtimeOptions },
    current_version: spec.version,
    latency_prior_ms: spec.latencyPriorMs,
    latency_prior_per_unit_us: spec.latencyPriorPerUnitUs,
  };
}

/** Converts a selected row back into the ModelSpec the API and the KV bucket carry. */
export function toModelSpec(row: ModelRow): ModelSpec {
  return create(ModelSpecSchema, {
    name: row.name,
    version: row.current_version,
    versions: row.versions,
    versionArtifacts: row.version_artifacts ?? {},
    task: row.task,
    modality: enumFromText(ModalitySchema, row.modality, Modality.UNSPECIFIED),
    runtime: row.runtime,
    artifact: row.artifact,
    inputs: row.inputs.map(fromTensorJson),
    outputs: row.outputs.map(fromTensorJson),
    costPerCallMicros: row.cost_per_call_micros,
    costPerUnitMicros: row.cost_per_unit_micros,
    qualityScore: row.quality_score,
    memoryBytes: row.memory_bytes,
    batching:
      row.batching === null
        ? undefined
        : {
            mode: enumFromText(BatchingModeSchema, row.batching.mode, BatchingMode.UNSPECIFIED),
            maxBatchSize: row.batching.maxBatchSize,
            maxQueueDelayUs: row.batching.maxQueueDelayUs,
            preferredBatchSizes: row.batching.preferredBatchSizes ?? [],
            maxBatchUnits: BigInt(row.batching.maxBatchUnits ?? 0),
            maxStepTokens: row.batching.maxStepTokens ?? 0,
          },
    scaling: row.scaling ?? undefined,
    runtimeOptions: row.runtime_options,
    latencyPriorMs: row.latency_prior_ms,
    latencyPriorPerUnitUs: row.latency_prior_per_unit_us,
    updatedAtUnixMs: BigInt(row.updated_at.getTime()),
  });
}

function toTensorJson(tensor: TensorSpec): TensorJson {
  return { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape.map(Number) };
}

function fromTensorJson(tensor: TensorJson): Omit<TensorSpec, '$typeName'> {
  return { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape.map(BigInt) };
}

function toBatchingJson(batching: BatchingSpec): BatchingJson {
  return {
    mode: enumToText(BatchingModeSchema, batching.mode),
    maxBatchSize: batching.maxBatchSize,
    maxQueueDelayUs: batching.maxQueueDelayUs,
    preferredBatchSizes: batching.preferredBatchSizes,
    maxBatchUnits: batching.maxBatchUnits.toString(),
    maxStepTokens: batching.maxStepTokens,
  };
}

function toScalingJson(scaling: ScalingSpec): ScalingJson {
  return {
    minReplicas: scaling.minReplicas,
    maxReplicas: scaling.maxReplicas,
    queueWaitSloMs: scaling.queueWaitSloMs,
    idleUnloadSeconds: scaling.idleUnloadSeconds,
  };
}
