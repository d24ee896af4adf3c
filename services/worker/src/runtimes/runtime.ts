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

/** A sequence that finished in a step, with its answer. */
export interface FinishedSequence {
  /** The id `admit` gave the sequence. */
  readonly id: number;
  /** Output tensors of the sequence's one row, in the order the model declares them. */
  readonly outputs: Tensor[];
}

/**
 * A loaded model that also runs step by step, as iteration-level (continuous) batching drives it:
 * sequences are admitted between steps, each step generates one token for every active sequence,
 * and a sequence leaves as soon as it finishes. Calls must not overlap: await each before the next.
 */
export interface StepwiseModel extends LoadedModel {
  /** Sequences admitted and not yet returned by `step`. */
  readonly activeSequences: number;
  /**
   * Starts one sequence per row of `inputs` (the model's declared inputs, rows along the first
   * dimension) and resolves once their prefill is done.
   * @returns the new sequences' ids, in row order.
   * @throws ExecutionError when a call overlaps another, and the runtime's errors for rows it refuses.
   */
  admit(inputs: Tensor[]): Promise<number[]>;
  /**
   * Advances every active sequence by one token.
   * @returns the sequences that finished in this step; they are no longer active.
   * @throws ExecutionError when a call overlaps another.
   */
  step(): Promise<FinishedSequence[]>;
}

/** Whether a loaded model also runs step by step, as continuous batching needs. */
export function isStepwiseModel(model: LoadedModel): model is StepwiseModel {
  const candidate = model as Partial<StepwiseModel>;
  return typeof candidate.admit === 'function' && typeof candidate.step === 'function';
}
