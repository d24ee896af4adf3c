import { Worker } from 'node:worker_threads';
import type { QualityPredictor } from '@switchboard/routing-policy';
import { transferListOf } from './training-job.js';
import type { TrainingJob, TrainingResult } from './training-job.js';

/**
 * The training thread's compiled entry. Resolved from the package's dist/ both when this file runs
 * from dist/ and when tests run it from src/ (vitest does not compile worker entries): tests need a
 * current build, as the process tests already do.
 */
const TRAIN_WORKER = new URL('../dist/train-worker.js', import.meta.url);

/** One example of a route's training data, before it is flattened for the training thread. */
export interface RouteTrainingExample {
  /** The prompt's features: pass the same array for every model's outcome on one prompt. */
  readonly indices: Uint32Array;
  readonly model: string;
  readonly quality: number;
  readonly weight: number;
}

/**
 * Runs trainRoutePredictors on its own thread, so the seconds a refit takes do not stall the
 * consumers and the gRPC API, and tracks the threads so stop() can end them.
 */
export class RouteTrainer {
  readonly #running = new Set<Worker>();

  /**
   * Trains one predictor per model on `examples` (models without examples get none).
   * @param seed seeds the shuffles: the same data and seed train the same predictors.
   * @throws Error when the thread fails or is terminated by stop().
   */
  async train(
    models: readonly string[],
    hashBits: number,
    examples: readonly RouteTrainingExample[],
    seed: string,
  ): Promise<Map<string, QualityPredictor>> {
    const trained = models.filter((model) => examples.some((example) => example.model === model));
    if (trained.length === 0) return new Map();
    const job = toTrainingJob(trained, hashBits, examples, seed);
    const result = await this.#run(job);
    return new Map(result.map((predictor) => [predictor.model, predictor]));
  }

  /** Ends every running training thread; their train() calls reject. Idempotent. */
  async stop(): Promise<void> {
    await Promise.all([...this.#running].map((worker) => worker.terminate()));
  }

  #run(job: TrainingJob): Promise<TrainingResult> {
    const worker = new Worker(TRAIN_WORKER, { workerData: job, transferList: transferListOf(job) });
    this.#running.add(worker);
    return new Promise<TrainingResult>((resolve, reject) => {
      worker.once('message', (result: TrainingResult) => resolve(result));
      worker.once('error', reject);
      worker.once('exit', (code) => {
        this.#running.delete(worker);
        reject(new Error(`the training thread exited (code ${code}) without a result`));
      });
    });
  }
}

/** Flattens examples into a transferable job; prompts are told apart by their feature array. */
function toTrainingJob(
  models: readonly string[],
  hashBits: number,
  examples: readonly RouteTrainingExample[],
  seed: string,
): TrainingJob {
  const modelPositions = new Map(models.map((model, position) => [model, position]));
  const kept = examples.filter((example) => modelPositions.has(example.model));
  const promptPositions = new Map<Uint32Array, number>();
  const prompts: Uint32Array[] = [];
  const examplePrompts = new Uint32Array(kept.length);
  kept.forEach((example, position) => {
    let prompt = promptPositions.get(example.indices);
    if (prompt === undefined) {
      prompt = prompts.push(example.indices) - 1;
      promptPositions.set(example.indices, prompt);
    }
    examplePrompts[position] = prompt;
  });
  const offsets = new Uint32Array(prompts.length + 1);
  prompts.forEach((indices, prompt) => (offsets[prompt + 1] = offsets[prompt]! + indices.length));
  const features = new Uint32Array(offsets[prompts.length]!);
  prompts.forEach((indices, prompt) => features.set(indices, offsets[prompt]));
  return {
    models,
    hashBits,
    seed,
    features,
    offsets,
    examplePrompts,
    exampleModels: Uint16Array.from(kept, (example) => modelPositions.get(example.model)!),
    exampleQualities: Float64Array.from(kept, (example) => example.quality),
    exampleWeights: Float64Array.from(kept, (example) => example.weight),
  };
}
