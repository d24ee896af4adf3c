import type { InferenceSession, Tensor as OnnxTensor } from 'onnxruntime-node';
import { ExecutionError } from '@switchboard/errors';
import type { TensorSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import { tensorFromOnnx, tensorToOnnx, zeroOnnxTensor } from './onnx-runtime-tensors.js';
import type { BatchOutput, LoadedModel } from './runtime.js';

/** Tasks whose first FP32 output is a per-row class distribution, so its maximum is a confidence. */
const CLASSIFICATION_TASKS: ReadonlySet<string> = new Set(['classification', 'classify']);

/** What {@link OnnxModel} needs besides the open session. */
export interface OnnxModelOptions {
  modelName: string;
  task: string;
  footprintBytes: number;
  /** The inputs the registry declares; the warm-up feeds zeros of these shapes. */
  inputs: readonly TensorSpec[];
}

/**
 * A model loaded into an onnxruntime InferenceSession. Batches may run concurrently (onnxruntime
 * sessions allow concurrent runs); unload waits for runs in flight before releasing the session,
 * because releasing native memory under a running batch would crash the process.
 */
export class OnnxModel implements LoadedModel {
  readonly footprintBytes: number;
  readonly synthetic = false;
  readonly #session: InferenceSession;
  readonly #options: OnnxModelOptions;
  readonly #running = new Set<Promise<unknown>>();
  #unloading: Promise<void> | undefined;

  constructor(session: InferenceSession, options: OnnxModelOptions) {
    this.#session = session;
    this.#options = options;
    this.footprintBytes = options.footprintBytes;
  }

  /**
   * Runs one batch: inputs are matched to the model's inputs by name; outputs come back in the
   * order the model declares them.
   * @throws ExecutionError (not retryable) when a tensor cannot be converted or onnxruntime rejects
   * the batch: both are deterministic, so the same batch would fail again anywhere.
   * @throws ExecutionError (retryable) when the model was unloaded; another worker may serve it.
   */
  async infer(inputs: Tensor[]): Promise<BatchOutput> {
    if (this.#unloading !== undefined) {
      throw new ExecutionError(`onnx model ${this.#options.modelName} was unloaded`, { retryable: true });
    }
    const run = this.#run(inputs);
    this.#running.add(run);
    try {
      return await run;
    } finally {
      this.#running.delete(run);
    }
  }

  /**
   * Runs a batch of one with zero-filled inputs of the declared shapes (-1 dimensions as 1), so
   * onnxruntime allocates its buffers and picks its kernels before the first job.
   * @throws ExecutionError (not retryable) when the session cannot run the declared inputs.
   */
  async warmUp(): Promise<void> {
    const name = this.#options.modelName;
    const run = (async () => {
      try {
        const feeds = Object.fromEntries(
          this.#options.inputs.map((input) => [input.name, zeroOnnxTensor(input)]),
        );
        await this.#session.run(feeds);
      } catch (error) {
        throw new ExecutionError(`onnx model ${name} failed its warm-up run`, {
          cause: error,
          retryable: false,
        });
      }
    })();
    this.#running.add(run);
    try {
      await run;
    } finally {
      this.#running.delete(run);
    }
  }

  /** Releases the session after runs in flight finish. Idempotent: later calls share the first. */
  unload(): Promise<void> {
    this.#unloading ??= (async () => {
      // A failed run has already been reported to its caller; here it only needs to be over.
      await Promise.allSettled(this.#running);
      await this.#session.release();
    })();
    return this.#unloading;
  }

  async #run(inputs: Tensor[]): Promise<BatchOutput> {
    const name = this.#options.modelName;
    let results: InferenceSession.ReturnType;
    try {
      const feeds = Object.fromEntries(inputs.map((tensor) => [tensor.name, tensorToOnnx(tensor)]));
      results = await this.#session.run(feeds);
    } catch (error) {
      throw new ExecutionError(`onnx model ${name} failed to run the batch`, {
        cause: error,
        retryable: false,
      });
    }
    let outputs: Tensor[];
    try {
      outputs = this.#session.outputNames.map((output) =>
        tensorFromOnnx(output, results[output] as OnnxTensor),
      );
    } catch (error) {
      throw new ExecutionError(`onnx model ${name} returned an unsupported output`, {
        cause: error,
        retryable: false,
      });
    }
    if (!CLASSIFICATION_TASKS.has(this.#options.task)) return { outputs };
    const scores = outputs.find((output) => output.datatype === 'FP32');
    return scores === undefined ? { outputs } : { outputs, confidences: rowMaxima(scores) };
  }
}

/** Per batch row, the largest element: a classifier's probability for its chosen class. */
function rowMaxima(tensor: Tensor): Float64Array {
  const data = tensor.data as Float32Array;
  const rows = tensor.shape[0] ?? 0;
  const width = rows === 0 ? 0 : data.length / rows;
  return Float64Array.from({ length: rows }, (_, row) =>
    Math.max(...data.subarray(row * width, (row + 1) * width)),
  );
}
