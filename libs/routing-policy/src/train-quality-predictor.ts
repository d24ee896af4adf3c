import { featureScale } from './featurise-prompt.js';
import { PRIOR_VARIANCE, createQualityPredictor, predictLogit, sigmoid } from './quality-predictor.js';
import type { QualityPredictor } from './quality-predictor.js';

/** One prompt's features and how well the model answered it. */
export interface TrainingExample {
  readonly indices: Uint32Array;
  /** In [0, 1]; fractional values are soft labels. */
  readonly quality: number;
  /** @default 1 */
  readonly weight?: number;
}

/** How hard to fit; the defaults suit a few hundred to a few hundred thousand examples. */
export interface TrainingOptions {
  /** Passes over the examples. @default 8 */
  readonly epochs?: number;
  /**
   * AdaGrad's base step. Small because a prompt has hundreds of features and each moves at this
   * step on its first update. @default 0.03
   */
  readonly learningRate?: number;
  /** Prior variance of every weight; smaller regularises harder. @default PRIOR_VARIANCE */
  readonly priorVariance?: number;
  /**
   * Prior means of the weights and the bias, e.g. a direction shared by every model of a route
   * (see trainRoutePredictors); zero when omitted.
   */
  readonly prior?: { readonly means: Float32Array; readonly bias: number };
  /** Shuffles the examples between passes; a seeded source keeps training reproducible. */
  readonly random?: () => number;
}

/**
 * Fits a predictor to `examples` from scratch: the posterior mode by AdaGrad over the regularised
 * log loss (the Gaussian prior is the L2 term), then each weight's variance from the curvature of
 * the loss at the mode (the diagonal Laplace approximation). Batch training for imported outcome
 * files and periodic refits; between refits, updateQualityPredictor learns one observation at a time.
 */
export function trainQualityPredictor(
  model: string,
  hashBits: number,
  examples: readonly TrainingExample[],
  options: TrainingOptions = {},
): QualityPredictor {
  const {
    epochs = 8,
    learningRate = 0.03,
    priorVariance = PRIOR_VARIANCE,
    prior,
    random = Math.random,
  } = options;
  const predictor = createQualityPredictor(model, hashBits, priorVariance);
  const { means, variances } = predictor;
  const priorMeans = prior?.means ?? new Float32Array(means.length);
  means.set(priorMeans);
  predictor.biasMean = prior?.bias ?? 0;
  const gradientSquares = new Float32Array(means.length);
  let biasGradientSquare = 0;
  const totalWeight = examples.reduce((sum, example) => sum + (example.weight ?? 1), 0);
  if (totalWeight === 0) return predictor;
  const order = examples.map((_, position) => position);
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    shuffle(order, random);
    for (const position of order) {
      const example = examples[position]!;
      const weight = example.weight ?? 1;
      const scale = featureScale(example.indices.length);
      const error = weight * (sigmoid(predictLogit(predictor, example.indices).mean) - example.quality);
      for (let at = 0; at < example.indices.length; at += 1) {
        const index = example.indices[at]!;
        // The prior's pull, spread over the examples so that one epoch applies it once in total.
        const gradient =
          error * scale + ((means[index]! - priorMeans[index]!) / priorVariance) * (weight / totalWeight);
        gradientSquares[index] = gradientSquares[index]! + gradient * gradient;
        means[index] = means[index]! - (learningRate * gradient) / Math.sqrt(gradientSquares[index]! + 1e-8);
      }
      biasGradientSquare += error * error;
      predictor.biasMean -= (learningRate * error) / Math.sqrt(biasGradientSquare + 1e-8);
    }
  }
  // Precision = prior precision + Σ weight · p(1 − p) · x² at the mode.
  const precisions = new Float32Array(means.length).fill(1 / priorVariance);
  let biasPrecision = 1 / PRIOR_VARIANCE;
  for (const example of examples) {
    const probability = sigmoid(predictLogit(predictor, example.indices).mean);
    const curvature = (example.weight ?? 1) * probability * (1 - probability);
    const scale = featureScale(example.indices.length);
    for (let at = 0; at < example.indices.length; at += 1) {
      const index = example.indices[at]!;
      precisions[index] = precisions[index]! + curvature * scale * scale;
    }
    biasPrecision += curvature;
  }
  for (let index = 0; index < variances.length; index += 1) variances[index] = 1 / precisions[index]!;
  predictor.biasVariance = 1 / biasPrecision;
  predictor.observations = examples.length;
  return predictor;
}

function shuffle(order: number[], random: () => number): void {
  for (let position = order.length - 1; position > 0; position -= 1) {
    const other = Math.floor(random() * (position + 1));
    [order[position], order[other]] = [order[other]!, order[position]!];
  }
}
