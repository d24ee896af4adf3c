import type { ModelSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';

/** What one runtime call produced for a batch. */
export interface BatchOutput {
  /** Output tensors whose first dimension is the batch, in the order the model declares them. */
  outputs: Tensor[];
  /** Per batch row, the model's confidence in its answer (e.g. top-class probability), when it has one. */
  confidences?: Float64Array;
}

/** A model loaded into a runtime, ready to execute batches. */
export interface LoadedModel {
  /** Resident memory the model holds, in bytes (an estimate where the runtime cannot measure it). */
  readonly footprintBytes: number;
  /** True for runtimes whose answers are simulated rather than computed by a real model. */
  readonly synthetic: boolean;
  /**
   * Runs one batch. Inputs are the model's declared inputs with the batch rows of all jobs
   * concatenated along the first dimension.
   * @throws ExecutionError when the runtime fails.
   */
  infer(inputs: Tensor[]): Promise<BatchOutput>;
  /**
   * Runs one inference before the model serves, so its first job does not pay for lazy
   * initialisation (allocations, kernel selection). Runtimes without such costs leave it out.
   * @throws ExecutionError when the model cannot run; the model is then not served.
   */
  warmUp?(): Promise<void>;
  /** Releases the model's resources. Idempotent. */
  unload(): Promise<void>;
}

/** A kind of runtime (onnx, synthetic, ...) that can load models of its kind. */
export interface Runtime {
  /** The value of ModelSpec.runtime this runtime serves. */
  readonly name: string;
  /** @throws FailedPreconditionError when the artifact cannot be loaded. */
  load(spec: ModelSpec): Promise<LoadedModel>;
}
