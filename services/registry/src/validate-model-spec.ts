import { clone } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import {
  BatchingMode,
  MAX_VERSION_LENGTH,
  Modality,
  ModelSpecSchema,
  isValidVersion,
} from '@switchboard/protocol';
import type { BatchingSpec, ModelSpec, ScalingSpec, TensorSpec } from '@switchboard/protocol';
import { DATATYPES, isDatatype } from '@switchboard/tensors';
import { checkScaling } from './check-scaling.js';
import { validateName } from './validate-name.js';

/** Runtimes a worker can execute today. */
const SUPPORTED_RUNTIMES: readonly string[] = [
  'onnx',
  'synthetic',
  'synthetic-llm',
  'synthetic-stepwise',
  'openai',
  'kserve',
];

/** The version a model gets when the request names none. */
const DEFAULT_VERSION = '1';

/**
 * Checks a model spec from a RegisterModel or UpdateModel request and returns a normalised copy:
 * the version defaults to "1", a scaling spec of zeros becomes absent, and the server-owned
 * `versions`, `versionArtifacts` and `updatedAtUnixMs` are cleared.
 * Every problem is reported at once so a spec file can be fixed in one go.
 * @throws InvalidArgumentError listing every problem found.
 */
export function validateModelSpec(spec: ModelSpec | undefined): ModelSpec {
  if (spec === undefined) throw new InvalidArgumentError('model is required');
  validateName('model', spec.name);
  const model = clone(ModelSpecSchema, spec);
  model.version = model.version === '' ? DEFAULT_VERSION : model.version;
  model.versions = [];
  model.versionArtifacts = {};
  model.updatedAtUnixMs = 0n;
  // A scaling spec of zeros asks for the manager's defaults, as no spec does: stored as absent.
  if (model.scaling !== undefined && isAllZero(model.scaling)) model.scaling = undefined;
  const problems = [
    ...checkVersion(model.version),
    ...checkRuntime(model.runtime),
    ...checkModality(model.modality),
    ...checkTensors('inputs', model.inputs),
    ...checkTensors('outputs', model.outputs),
    ...checkNumbers(model),
    ...checkBatching(model.batching),
    ...checkScaling(model.scaling),
    ...checkRuntimeOptions(model.runtimeOptions),
  ];
  if (problems.length > 0) {
    throw new InvalidArgumentError(`invalid model ${JSON.stringify(model.name)}: ${problems.join('; ')}`);
  }
  return model;
}

function checkVersion(version: string): string[] {
  if (!isValidVersion(version)) {
    return [
      `version ${JSON.stringify(version)} must be at most ${MAX_VERSION_LENGTH} characters without whitespace or control characters`,
    ];
  }
  return [];
}

function checkRuntime(runtime: string): string[] {
  if (SUPPORTED_RUNTIMES.includes(runtime)) return [];
  const given =
    runtime === '' ? 'runtime is required' : `runtime ${JSON.stringify(runtime)} is not supported`;
  return [`${given}; use one of: ${SUPPORTED_RUNTIMES.join(', ')}`];
}

function checkModality(modality: Modality): string[] {
  // Proto3 enums are open: an unknown number decodes fine and must be rejected here.
  return Object.values(Modality).includes(modality) ? [] : [`modality ${modality} is not a known Modality`];
}

function checkTensors(field: 'inputs' | 'outputs', tensors: TensorSpec[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  tensors.forEach((tensor, index) => {
    const label = `${field}[${index}]${tensor.name === '' ? '' : ` (${tensor.name})`}`;
    if (tensor.name === '') problems.push(`${label}: name is required`);
    else if (seen.has(tensor.name)) problems.push(`${label}: duplicate tensor name`);
    seen.add(tensor.name);
    if (!isDatatype(tensor.datatype)) {
      problems.push(
        `${label}: datatype ${JSON.stringify(tensor.datatype)} is not an OIP datatype; use one of ${DATATYPES.join(', ')}`,
      );
    }
    if (tensor.shape.some((dimension) => dimension !== -1n && dimension < 1n)) {
      problems.push(`${label}: shape [${tensor.shape.join(', ')}] may only hold -1 (variable) or sizes >= 1`);
    }
  });
  return problems;
}

function checkNumbers(model: ModelSpec): string[] {
  const problems: string[] = [];
  if (!(model.qualityScore >= 0 && model.qualityScore <= 1)) {
    problems.push(`quality_score ${model.qualityScore} must be within [0, 1]`);
  }
  if (model.costPerCallMicros < 0n)
    problems.push(`cost_per_call_micros ${model.costPerCallMicros} must be >= 0`);
  if (!(model.costPerUnitMicros >= 0 && Number.isFinite(model.costPerUnitMicros))) {
    problems.push(`cost_per_unit_micros ${model.costPerUnitMicros} must be a finite number >= 0`);
  }
  if (model.memoryBytes < 0n) problems.push(`memory_bytes ${model.memoryBytes} must be >= 0`);
  if (!(model.latencyPriorMs >= 0 && Number.isFinite(model.latencyPriorMs))) {
    problems.push(`latency_prior_ms ${model.latencyPriorMs} must be a finite number >= 0`);
  }
  if (!(model.latencyPriorPerUnitUs >= 0 && Number.isFinite(model.latencyPriorPerUnitUs))) {
    problems.push(`latency_prior_per_unit_us ${model.latencyPriorPerUnitUs} must be a finite number >= 0`);
  }
  return problems;
}

function checkBatching(batching: BatchingSpec | undefined): string[] {
  if (batching === undefined) return [];
  if (!Object.values(BatchingMode).includes(batching.mode)) {
    return [`batching.mode ${batching.mode} is not a known BatchingMode`];
  }
  if (batching.maxBatchSize < 1) return [`batching.max_batch_size ${batching.maxBatchSize} must be >= 1`];
  const problems: string[] = [];
  if (batching.mode === BatchingMode.NONE && batching.maxBatchSize > 1) {
    problems.push(
      `batching.mode NONE runs one job per call, so batching.max_batch_size must be 1, not ${batching.maxBatchSize}`,
    );
  }
  if (batching.preferredBatchSizes.length > 0 && batching.mode !== BatchingMode.DYNAMIC) {
    problems.push(
      'batching.preferred_batch_sizes apply to DYNAMIC batching only; remove them or choose DYNAMIC',
    );
  }
  const outOfRange = batching.preferredBatchSizes.filter((size) => size < 1 || size > batching.maxBatchSize);
  if (outOfRange.length > 0) {
    problems.push(
      `batching.preferred_batch_sizes ${outOfRange.join(', ')} must each be between 1 and max_batch_size ${batching.maxBatchSize}`,
    );
  }
  if (batching.maxBatchUnits > 0n && batching.mode === BatchingMode.CONTINUOUS) {
    problems.push(
      'batching.max_batch_units bounds static and dynamic batches; continuous batching is bounded by max_batch_size sequences and max_step_tokens, so set it to 0',
    );
  }
  if (batching.maxStepTokens > 0 && batching.mode !== BatchingMode.CONTINUOUS) {
    problems.push(
      'batching.max_step_tokens applies to CONTINUOUS batching only; set it to 0 or choose CONTINUOUS',
    );
  }
  return problems;
}

function checkRuntimeOptions(options: Record<string, string>): string[] {
  return Object.keys(options).some((key) => key === '') ? ['runtime_options keys must not be empty'] : [];
}

function isAllZero(scaling: ScalingSpec): boolean {
  return (
    scaling.minReplicas === 0 &&
    scaling.maxReplicas === 0 &&
    scaling.queueWaitSloMs === 0 &&
    scaling.idleUnloadSeconds === 0
  );
}
