import { stat } from 'node:fs/promises';
import { InferenceSession } from 'onnxruntime-node';
import { FailedPreconditionError } from '@switchboard/errors';
import type { ModelSpec } from '@switchboard/protocol';
import { OnnxModel } from './onnx-runtime-model.js';
import type { LoadedModel, Runtime } from './runtime.js';

/** Options of {@link createOnnxRuntime}. */
export interface OnnxRuntimeOptions {
  /**
   * Threads one batch may use inside an operator. One by default: a worker runs several models
   * and batches side by side on few cores, and more threads per batch would oversubscribe them.
   * @default 1
   */
  intraOpThreads?: number;
}

/** {@link OnnxRuntimeOptions} with every field set. */
interface ResolvedOnnxRuntimeOptions {
  intraOpThreads: number;
}

/** @see OnnxRuntimeOptions.intraOpThreads */
const DEFAULT_INTRA_OP_THREADS = 1;

/**
 * The `onnx` runtime: loads `ModelSpec.artifact`, a path to an .onnx file, into an onnxruntime
 * InferenceSession on the CPU.
 *
 * A loaded model's `footprintBytes` is the file's size: an estimate, since the weights dominate
 * small models' memory but onnxruntime adds arena and per-run buffers it does not report.
 * @throws RangeError when `intraOpThreads` is not a positive integer.
 */
export function createOnnxRuntime(options: OnnxRuntimeOptions = {}): Runtime {
  const resolved = resolveOptions(options);
  return {
    name: 'onnx',
    load: (spec) => loadOnnxModel(spec, resolved),
  };
}

function resolveOptions(options: OnnxRuntimeOptions): ResolvedOnnxRuntimeOptions {
  const intraOpThreads = options.intraOpThreads ?? DEFAULT_INTRA_OP_THREADS;
  if (!Number.isInteger(intraOpThreads) || intraOpThreads < 1) {
    throw new RangeError(`intraOpThreads must be a positive integer, got ${intraOpThreads}`);
  }
  return { intraOpThreads };
}

/** @throws FailedPreconditionError naming the path when the artifact is missing, unreadable or not a valid model. */
async function loadOnnxModel(spec: ModelSpec, options: ResolvedOnnxRuntimeOptions): Promise<LoadedModel> {
  const path = spec.artifact;
  if (path === '') throw new FailedPreconditionError(`onnx model ${spec.name} has no artifact path`);
  let sizeBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    sizeBytes = info.size;
  } catch (error) {
    throw new FailedPreconditionError(`cannot read onnx artifact ${path} of model ${spec.name}`, {
      cause: error,
    });
  }
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(path, {
      executionProviders: ['cpu'],
      intraOpNumThreads: options.intraOpThreads,
      // Operators of one batch run one after another; parallelism comes from concurrent batches.
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
  } catch (error) {
    throw new FailedPreconditionError(`cannot load onnx artifact ${path} of model ${spec.name}`, {
      cause: error,
    });
  }
  return new OnnxModel(session, {
    modelName: spec.name,
    task: spec.task,
    footprintBytes: sizeBytes,
    inputs: spec.inputs,
  });
}
