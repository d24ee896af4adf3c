import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestFileName, modelsDirectory } from './models-directory.js';

/** Name, datatype and shape of a model input or output; -1 marks the variable batch dimension. */
export interface TensorDescription {
  name: string;
  /** An Open Inference Protocol datatype, e.g. `FP32`. */
  datatype: string;
  shape: number[];
}

/** What the build generated for one model. */
export interface ModelManifestEntry {
  /** e.g. `classifier-small`. */
  name: string;
  /** The task the model serves, e.g. `classify`; models of one task are interchangeable. */
  task: string;
  /** Kind of input data; `structured` means feature vectors. */
  modality: string;
  /** File name of the .onnx model inside {@link modelsDirectory}. */
  file: string;
  /** Absolute path of the .onnx model (added when the manifest is read). */
  path: string;
  inputs: TensorDescription[];
  outputs: TensorDescription[];
  /** Number of trainable values (weights and biases). */
  parameterCount: number;
  /** Multiply-accumulate operations per input row. */
  multiplyAccumulatesPerRow: number;
  sizeBytes: number;
  /** Fraction of the held-out split classified correctly, in [0, 1]; usable as a quality score. */
  heldOutAccuracy: number;
  /** Compute per row relative to the cheapest model of the task (which has 1). */
  relativeCost: number;
}

/** The data set every model of the task was trained and evaluated on. */
export interface DatasetDescription {
  description: string;
  seed: number;
  trainRows: number;
  heldOutRows: number;
}

/** Everything the build generated, as written to `generated/manifest.json`. */
export interface ModelManifest {
  dataset: DatasetDescription;
  models: ModelManifestEntry[];
}

/**
 * Reads `generated/manifest.json` and resolves each model's absolute `path`.
 * @throws Error when the manifest is missing or malformed, i.e. `@switchboard/models` was not built.
 */
export function readModelManifest(): ModelManifest {
  const path = join(modelsDirectory, manifestFileName);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path}; build it with: pnpm --filter @switchboard/models build`, {
      cause: error,
    });
  }
  if (!isManifest(parsed)) throw new Error(`${path} is not a model manifest; rebuild @switchboard/models`);
  return {
    dataset: parsed.dataset,
    models: parsed.models.map((model) => ({ ...model, path: join(modelsDirectory, model.file) })),
  };
}

function isManifest(value: unknown): value is ModelManifest {
  if (typeof value !== 'object' || value === null) return false;
  const { dataset, models } = value as Partial<ModelManifest>;
  return (
    typeof dataset === 'object' &&
    Array.isArray(models) &&
    models.every((model: unknown) => typeof (model as Partial<ModelManifestEntry>).file === 'string')
  );
}
