import { performance } from 'node:perf_hooks';
import type { ModelSpec } from '@switchboard/protocol';
import type { LoadedModel, Runtime } from './runtimes/runtime.js';

/** A loaded, warmed-up model and how long that took. */
export interface WarmModel {
  readonly model: LoadedModel;
  /** Load plus warm-up, ms: the cold start a job would wait for. */
  readonly loadMs: number;
}

/**
 * Loads `spec` with `runtime` and runs its warm-up inference, timing both: the model's cold start,
 * which the resource manager plans warm-ups by. A model that fails its warm-up is unloaded.
 * @throws what the runtime's load or warm-up throws.
 */
export async function loadWarmModel(runtime: Runtime, spec: ModelSpec): Promise<WarmModel> {
  const startedAtMs = performance.now();
  const model = await runtime.load(spec);
  try {
    await model.warmUp?.();
  } catch (error) {
    await model.unload();
    throw error;
  }
  return { model, loadMs: performance.now() - startedAtMs };
}
