import { performance } from 'node:perf_hooks';
import { FailedPreconditionError } from '@switchboard/errors';
import type { ModelSpec } from '@switchboard/protocol';
import { toBatchLimits } from './batch-limits.js';
import { isStepwiseModel } from './runtimes/runtime.js';
import type { LoadedModel, Runtime } from './runtimes/runtime.js';

/** A loaded, warmed-up model and how long that took. */
export interface WarmModel {
  readonly model: LoadedModel;
  /** Load plus warm-up, ms: the cold start a job would wait for. */
  readonly loadMs: number;
}

/**
 * Continuous batching drives a model step by step; a model that only runs whole batches cannot do
 * that, and running it with another mode instead would hide the registry's mistake.
 * @throws FailedPreconditionError naming the modes to choose instead.
 */
function checkBatchingMode(spec: ModelSpec, model: LoadedModel): void {
  if (toBatchLimits(spec).continuous === undefined || isStepwiseModel(model)) return;
  throw new FailedPreconditionError(
    `model ${JSON.stringify(spec.name)} asks for CONTINUOUS batching, but runtime ` +
      `${JSON.stringify(spec.runtime)} cannot run continuous batching (its models do not run step by step); ` +
      `choose DYNAMIC or STATIC batching for it, or a step-wise runtime such as synthetic-stepwise`,
  );
}

/**
 * Loads `spec` with `runtime` and runs its warm-up inference, timing both: the model's cold start,
 * which the resource manager plans warm-ups by. A model that fails its warm-up is unloaded.
 * @throws what the runtime's load or warm-up throws, and FailedPreconditionError (after unloading
 *   the model) when the spec asks for continuous batching and the model does not run step by step.
 */
export async function loadWarmModel(runtime: Runtime, spec: ModelSpec): Promise<WarmModel> {
  const startedAtMs = performance.now();
  const model = await runtime.load(spec);
  try {
    checkBatchingMode(spec, model);
    await model.warmUp?.();
  } catch (error) {
    await model.unload();
    throw error;
  }
  return { model, loadMs: performance.now() - startedAtMs };
}
