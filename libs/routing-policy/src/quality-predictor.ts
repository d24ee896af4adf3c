import { featureScale } from './featurise-prompt.js';

/**
 * One model's quality predictor on a route: a logistic regression over the hashed prompt features
 * whose weights carry a diagonal Gaussian posterior (the Laplace approximation used for Thompson
 * sampling by Chapelle and Li, 2011). The mean predicts how likely the model answers a prompt well;
 * the variance says how sure that is, which is what exploration spends.
 */
export interface QualityPredictor {
  readonly model: string;
  /** Posterior means of the weights, one per hashed feature bucket. */
  readonly means: Float32Array;
  /** Posterior variances of the weights. */
  readonly variances: Float32Array;
  biasMean: number;
  biasVariance: number;
  /** Observations learned from (imported outcomes and served requests with a signal). */
  observations: number;
}

/** The predictor's belief about one prompt: a Gaussian over the logit of answering well. */
export interface LogitBelief {
  mean: number;
  variance: number;
}

/** Prior variance of every weight: how far one feature may move the logit before evidence. */
export const PRIOR_VARIANCE = 1;

/** A predictor that knows nothing: every prompt at 50%, maximally uncertain under the prior. */
export function createQualityPredictor(
  model: string,
  hashBits: number,
  priorVariance = PRIOR_VARIANCE,
): QualityPredictor {
  const size = 1 << hashBits;
  return {
    model,
    means: new Float32Array(size),
    variances: new Float32Array(size).fill(priorVariance),
    biasMean: 0,
    biasVariance: PRIOR_VARIANCE,
    observations: 0,
  };
}

/** The belief about a prompt's distinct feature `indices` (from featurisePrompt). */
export function predictLogit(predictor: QualityPredictor, indices: Uint32Array): LogitBelief {
  const { means, variances } = predictor;
  let meanSum = 0;
  let varianceSum = 0;
  for (let position = 0; position < indices.length; position += 1) {
    const index = indices[position]!;
    meanSum += means[index]!;
    varianceSum += variances[index]!;
  }
  const scale = featureScale(indices.length);
  return {
    mean: predictor.biasMean + scale * meanSum,
    variance: predictor.biasVariance + scale * scale * varianceSum,
  };
}

/**
 * The expected probability of a good answer under a belief, by the probit approximation of the
 * logistic-Gaussian integral (MacKay, 1992): uncertain beliefs are pulled toward 50%.
 */
export function expectedQuality(belief: LogitBelief): number {
  return sigmoid(belief.mean / Math.sqrt(1 + (Math.PI * belief.variance) / 8));
}

export function sigmoid(logit: number): number {
  return 1 / (1 + Math.exp(-logit));
}

/**
 * Learns from one more observation in place, by one Newton step on the posterior mode along the
 * prompt's features and a precision update (Chapelle and Li, 2011, algorithm 3): the bandit's
 * online update, cheap enough to run for every feedback.
 * @param quality the observed quality in [0, 1] (1 answered well); fractional scores are soft labels.
 * @param weight how much the observation counts, e.g. less for a confidence signal than for feedback.
 */
export function updateQualityPredictor(
  predictor: QualityPredictor,
  indices: Uint32Array,
  quality: number,
  weight = 1,
): void {
  const belief = predictLogit(predictor, indices);
  const scale = featureScale(indices.length);
  // The mode of the one-observation posterior along the feature direction: Newton on the margin.
  let margin = belief.mean;
  for (let step = 0; step < 8; step += 1) {
    const probability = sigmoid(margin);
    const gradient =
      (margin - belief.mean) / Math.max(belief.variance, 1e-9) - weight * (quality - probability);
    const curvature = 1 / Math.max(belief.variance, 1e-9) + weight * probability * (1 - probability);
    margin -= gradient / curvature;
  }
  const shift = (margin - belief.mean) / Math.max(belief.variance, 1e-9);
  const probability = sigmoid(margin);
  const curvature = weight * probability * (1 - probability);
  const { means, variances } = predictor;
  for (let position = 0; position < indices.length; position += 1) {
    const index = indices[position]!;
    const variance = variances[index]!;
    means[index] = means[index]! + shift * variance * scale;
    variances[index] = 1 / (1 / variance + curvature * scale * scale);
  }
  predictor.biasMean += shift * predictor.biasVariance;
  predictor.biasVariance = 1 / (1 / predictor.biasVariance + curvature);
  predictor.observations += 1;
}
