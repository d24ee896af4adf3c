import { predictLogit, sigmoid } from './quality-predictor.js';
import type { QualityPredictor } from './quality-predictor.js';
import { trainQualityPredictor } from './train-quality-predictor.js';
import type { TrainingExample, TrainingOptions } from './train-quality-predictor.js';

/** How well one model answered one prompt. */
export interface RouteExample {
  readonly model: string;
  readonly indices: Uint32Array;
  /** In [0, 1]. */
  readonly quality: number;
  /** @default 1 */
  readonly weight?: number;
}

/** Options for {@link trainRoutePredictors}. */
export interface RouteTrainingOptions extends Omit<TrainingOptions, 'prior' | 'priorVariance'> {
  /**
   * Prior variance of each model's weights around the shared direction: smaller trusts what models
   * have in common more. @default 0.3
   */
  readonly modelPriorVariance?: number;
}

/** Steps of the two-parameter fit that scales the shared direction to one model. */
const CALIBRATION_STEPS = 200;

/**
 * Fits every candidate model of a route at once. Whether models answer a prompt well is strongly
 * correlated (a hard prompt is hard for most), so the fit first learns a shared direction — how
 * hard a prompt is, from every model's outcomes together — then, per model, scales that direction to
 * the model and learns the model's own deviations from it under a tighter prior. On RouterBench
 * prompts held out from training this lowered the predictors' log loss and raised accuracy at equal
 * cost against fitting each model alone (bench/README.md, `routing`). The result is still one weight
 * vector per model, so deciding costs the same. Pass one feature array per prompt, shared by all of
 * its models' examples: the shared direction counts each prompt once.
 */
export function trainRoutePredictors(
  models: readonly string[],
  hashBits: number,
  examples: readonly RouteExample[],
  options: RouteTrainingOptions = {},
): Map<string, QualityPredictor> {
  const { modelPriorVariance = 0.3, ...training } = options;
  const shared = trainQualityPredictor('(shared)', hashBits, meanQualityPerPrompt(examples), training);
  const predictors = new Map<string, QualityPredictor>();
  for (const model of models) {
    const own = examples.filter((example) => example.model === model);
    const difficulty = own.map((example) => predictLogit(shared, example.indices).mean);
    const { offset, slope } = calibrate(own, difficulty);
    const means = new Float32Array(shared.means.length);
    for (let index = 0; index < means.length; index += 1) means[index] = slope * shared.means[index]!;
    predictors.set(
      model,
      trainQualityPredictor(model, hashBits, own, {
        ...training,
        priorVariance: modelPriorVariance,
        prior: { means, bias: offset + slope * shared.biasMean },
      }),
    );
  }
  return predictors;
}

/**
 * One example per prompt with the mean quality of the models that answered it, so a prompt counts
 * once in the shared direction however many models it has outcomes for. Prompts are told apart by
 * their feature array: callers pass the same array for every model's outcome of one prompt.
 */
function meanQualityPerPrompt(examples: readonly RouteExample[]): TrainingExample[] {
  const byPrompt = new Map<Uint32Array, { qualitySum: number; weightSum: number }>();
  for (const example of examples) {
    const weight = example.weight ?? 1;
    const entry = byPrompt.get(example.indices) ?? { qualitySum: 0, weightSum: 0 };
    entry.qualitySum += weight * example.quality;
    entry.weightSum += weight;
    byPrompt.set(example.indices, entry);
  }
  return [...byPrompt].map(([indices, { qualitySum, weightSum }]) => ({
    indices,
    quality: weightSum === 0 ? 0 : qualitySum / weightSum,
    weight: Math.min(1, weightSum),
  }));
}

/**
 * The logistic fit of a model's outcomes on the shared logit: quality ≈ σ(offset + slope · shared).
 * Without examples the model inherits the shared direction as is.
 */
function calibrate(
  examples: readonly RouteExample[],
  sharedLogits: readonly number[],
): { offset: number; slope: number } {
  let offset = 0;
  let slope = 1;
  if (examples.length === 0) return { offset, slope };
  const totalWeight = examples.reduce((sum, example) => sum + (example.weight ?? 1), 0);
  for (let step = 0; step < CALIBRATION_STEPS; step += 1) {
    let offsetGradient = 0;
    let slopeGradient = 0;
    examples.forEach((example, position) => {
      const logit = sharedLogits[position]!;
      const error = (example.weight ?? 1) * (sigmoid(offset + slope * logit) - example.quality);
      offsetGradient += error;
      slopeGradient += error * logit;
    });
    offset -= offsetGradient / totalWeight;
    slope -= slopeGradient / totalWeight;
  }
  return { offset, slope };
}
