import { create } from '@bufbuild/protobuf';
import {
  BatchingMode,
  BatchingModeSchema,
  BatchingSpecSchema,
  ModalitySchema,
  ScalingSpecSchema,
  TensorSpecSchema,
} from '@switchboard/protocol';
import type { Modality, ModelSpec } from '@switchboard/protocol';
import type { Command } from 'commander';
import { enumChoices } from './enum-names.js';
import {
  collect,
  parseChoice,
  parseCountList,
  parseCount,
  parseDecimal,
  parseDurationMs,
  parseDurationSeconds,
  parseInt64,
  parseKeyValue,
  parseTensorFlag,
} from './parse-flag-values.js';
import type { TensorFlag } from './parse-flag-values.js';

/** The model fields a command line can set; undefined means "not given, keep what is there". */
export interface ModelFlags {
  version?: string;
  runtime?: string;
  artifact?: string;
  task?: string;
  modality?: Modality;
  input?: TensorFlag[];
  output?: TensorFlag[];
  costPerCallMicros?: bigint;
  costPerUnitMicros?: number;
  quality?: number;
  memoryBytes?: bigint;
  batching?: BatchingMode;
  maxBatchSize?: number;
  maxQueueDelayUs?: number;
  preferredBatchSizes?: number[];
  maxBatchUnits?: bigint;
  maxStepTokens?: number;
  option?: [string, string][];
  latencyPriorMs?: number;
  latencyPriorPerUnitUs?: number;
  minReplicas?: number;
  maxReplicas?: number;
  /** `--queue-wait-slo` in milliseconds (commander names it after the flag). */
  queueWaitSlo?: number;
  /** `--idle-unload` in seconds. */
  idleUnload?: number;
}

/** Adds the flags for every common ModelSpec field to `command` (register and update share them). */
export function addModelFlags(command: Command): Command {
  return command
    .option(
      '--version <version>',
      'version to serve; a new string records a new version (register default: 1)',
    )
    .option(
      '--runtime <runtime>',
      'runtime: onnx, synthetic, synthetic-llm, synthetic-stepwise, openai or kserve',
    )
    .option('--artifact <path>', 'where the runtime finds the model, e.g. a path to an .onnx file')
    .option('--task <task>', 'what the model does, e.g. classification')
    .option(
      '--modality <modality>',
      'text, image, audio or structured',
      parseChoice(enumChoices(ModalitySchema)),
    )
    .option(
      '--input <name:DATATYPE:dims>',
      'an input tensor, e.g. features:FP32:-1,4 (repeat; replaces all)',
      collect(parseTensorFlag),
    )
    .option(
      '--output <name:DATATYPE:dims>',
      'an output tensor (repeat; replaces all)',
      collect(parseTensorFlag),
    )
    .option('--cost-per-call-micros <n>', 'cost of one call in millionths of a US dollar', parseInt64)
    .option('--cost-per-unit-micros <x>', 'cost per input element in millionths of a US dollar', parseDecimal)
    .option('--quality <score>', 'expected quality in [0, 1]', parseDecimal)
    .option('--memory-bytes <n>', 'memory the loaded model needs, in bytes', parseInt64)
    .option(
      '--batching <mode>',
      'none, static, dynamic or continuous (step-wise runtimes)',
      parseChoice(enumChoices(BatchingModeSchema)),
    )
    .option(
      '--max-batch-size <n>',
      'largest batch (dynamic batching unless --batching says otherwise)',
      parseCount,
    )
    .option('--max-queue-delay-us <n>', 'longest a queued job waits for a batch, in microseconds', parseCount)
    .option(
      '--preferred-batch-sizes <n,n>',
      'dynamic batching: batch sizes that run at once, e.g. 4,8',
      parseCountList,
    )
    .option(
      '--max-batch-units <n>',
      'most input units (elements, or ~tokens of text) one batch holds; 0: no bound',
      parseInt64,
    )
    .option(
      '--max-step-tokens <n>',
      'continuous batching: most tokens one step processes; 0: no bound',
      parseCount,
    )
    .option('--option <key=value>', "a runtime option (repeat; 'key=' removes one)", collect(parseKeyValue))
    .option(
      '--latency-prior-ms <ms>',
      "the router's service-time guess per request until it has measured the model",
      parseDecimal,
    )
    .option(
      '--latency-prior-per-unit-us <us>',
      'added to the latency prior per unit of request complexity, in microseconds',
      parseDecimal,
    )
    .option(
      '--min-replicas <n>',
      'replicas the resource manager keeps loaded whatever the demand (0: scale to zero when idle)',
      parseCount,
    )
    .option(
      '--max-replicas <n>',
      'most replicas the resource manager places (0: only the pool bounds it)',
      parseCount,
    )
    .option(
      '--queue-wait-slo <duration>',
      "longest predicted queue wait before replicas are added at once, e.g. 500ms (0: the manager's default)",
      parseDurationMs,
    )
    .option(
      '--idle-unload <duration>',
      "time without requests before the model may be unloaded, e.g. 10m (0: the manager's default)",
      parseDurationSeconds,
    );
}

/** Applies the given flags to `spec` in place; fields whose flag was not given stay as they are. */
export function applyModelFlags(spec: ModelSpec, flags: ModelFlags): void {
  if (flags.version !== undefined) spec.version = flags.version;
  if (flags.runtime !== undefined) spec.runtime = flags.runtime;
  if (flags.artifact !== undefined) spec.artifact = flags.artifact;
  if (flags.task !== undefined) spec.task = flags.task;
  if (flags.modality !== undefined) spec.modality = flags.modality;
  if (flags.input !== undefined) spec.inputs = flags.input.map((tensor) => create(TensorSpecSchema, tensor));
  if (flags.output !== undefined)
    spec.outputs = flags.output.map((tensor) => create(TensorSpecSchema, tensor));
  if (flags.costPerCallMicros !== undefined) spec.costPerCallMicros = flags.costPerCallMicros;
  if (flags.costPerUnitMicros !== undefined) spec.costPerUnitMicros = flags.costPerUnitMicros;
  if (flags.quality !== undefined) spec.qualityScore = flags.quality;
  if (flags.memoryBytes !== undefined) spec.memoryBytes = flags.memoryBytes;
  if (flags.latencyPriorMs !== undefined) spec.latencyPriorMs = flags.latencyPriorMs;
  if (flags.latencyPriorPerUnitUs !== undefined) spec.latencyPriorPerUnitUs = flags.latencyPriorPerUnitUs;
  applyBatchingFlags(spec, flags);
  applyScalingFlags(spec, flags);
  for (const [key, value] of flags.option ?? []) {
    if (value === '') delete spec.runtimeOptions[key];
    else spec.runtimeOptions[key] = value;
  }
}

function applyBatchingFlags(spec: ModelSpec, flags: ModelFlags): void {
  const given = [
    flags.batching,
    flags.maxBatchSize,
    flags.maxQueueDelayUs,
    flags.preferredBatchSizes,
    flags.maxBatchUnits,
    flags.maxStepTokens,
  ];
  if (given.every((value) => value === undefined)) return;
  const batching = spec.batching ?? create(BatchingSpecSchema);
  if (flags.batching !== undefined) batching.mode = flags.batching;
  if (flags.maxBatchSize !== undefined) batching.maxBatchSize = flags.maxBatchSize;
  if (flags.maxQueueDelayUs !== undefined) batching.maxQueueDelayUs = flags.maxQueueDelayUs;
  if (flags.preferredBatchSizes !== undefined) batching.preferredBatchSizes = flags.preferredBatchSizes;
  if (flags.maxBatchUnits !== undefined) batching.maxBatchUnits = flags.maxBatchUnits;
  if (flags.maxStepTokens !== undefined) batching.maxStepTokens = flags.maxStepTokens;
  // Shorthands for the command line: a size alone means dynamic batching, and "none" means batches of one.
  if (batching.mode === BatchingMode.UNSPECIFIED) {
    batching.mode = batching.maxBatchSize > 1 ? BatchingMode.DYNAMIC : BatchingMode.NONE;
  }
  if (batching.mode === BatchingMode.NONE && batching.maxBatchSize === 0) batching.maxBatchSize = 1;
  spec.batching = batching;
}

function applyScalingFlags(spec: ModelSpec, flags: ModelFlags): void {
  const given = [flags.minReplicas, flags.maxReplicas, flags.queueWaitSlo, flags.idleUnload];
  if (given.every((value) => value === undefined)) return;
  const scaling = spec.scaling ?? create(ScalingSpecSchema);
  if (flags.minReplicas !== undefined) scaling.minReplicas = flags.minReplicas;
  if (flags.maxReplicas !== undefined) scaling.maxReplicas = flags.maxReplicas;
  if (flags.queueWaitSlo !== undefined) scaling.queueWaitSloMs = flags.queueWaitSlo;
  if (flags.idleUnload !== undefined) scaling.idleUnloadSeconds = flags.idleUnload;
  spec.scaling = scaling;
}
