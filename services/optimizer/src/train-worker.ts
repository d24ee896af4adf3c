import { parentPort, workerData } from 'node:worker_threads';
import { trainRoutePredictors } from '@switchboard/routing-policy';
import type { RouteExample } from '@switchboard/routing-policy';
import { seededRandom } from './seeded-random.js';
import type { TrainingJob, TrainingResult } from './training-job.js';

// The training thread's entry (see train-route.ts): trains the job it was started with, posts the
// predictors back (their weight arrays transferred, not copied) and ends.

const job = workerData as TrainingJob;
const prompts = Array.from({ length: job.offsets.length - 1 }, (_, prompt) =>
  job.features.subarray(job.offsets[prompt]!, job.offsets[prompt + 1]!),
);
const examples: RouteExample[] = Array.from({ length: job.examplePrompts.length }, (_, position) => ({
  model: job.models[job.exampleModels[position]!]!,
  indices: prompts[job.examplePrompts[position]!]!,
  quality: job.exampleQualities[position]!,
  weight: job.exampleWeights[position]!,
}));
const predictors = trainRoutePredictors(job.models, job.hashBits, examples, {
  random: seededRandom(job.seed),
});
const result: TrainingResult = job.models.map((model) => predictors.get(model)!);
parentPort?.postMessage(
  result,
  result.flatMap((predictor) => [
    predictor.means.buffer as ArrayBuffer,
    predictor.variances.buffer as ArrayBuffer,
  ]),
);
