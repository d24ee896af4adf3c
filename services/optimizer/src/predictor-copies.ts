import { createQualityPredictor } from '@switchboard/routing-policy';
import type { QualityPredictor } from '@switchboard/routing-policy';

/** A predictor that shares no arrays with `predictor`: a snapshot later updates do not change. */
export function copyPredictor(predictor: QualityPredictor): QualityPredictor {
  return { ...predictor, means: predictor.means.slice(), variances: predictor.variances.slice() };
}

/** Keeps the prior's logit finite for a registry quality of 0 or 1. */
const PRIOR_QUALITY_BOUND = 0.01;

/**
 * A predictor for a model the route has no predictor for yet, centred on the registry's quality of
 * the model (the same prior the choice uses for an unlearned model), with every weight at its prior.
 */
export function createPriorPredictor(
  model: string,
  hashBits: number,
  priorQuality: number,
): QualityPredictor {
  const predictor = createQualityPredictor(model, hashBits);
  const quality = Math.min(1 - PRIOR_QUALITY_BOUND, Math.max(PRIOR_QUALITY_BOUND, priorQuality));
  predictor.biasMean = Math.log(quality / (1 - quality));
  return predictor;
}
