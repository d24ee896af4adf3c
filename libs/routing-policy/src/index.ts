/**
 * The learned routing policy, shared by the optimizer (which trains and publishes it) and the router
 * (which applies it): prompt features, per-model quality predictors, the bandit's choice among
 * feasible models, the policy's wire form and off-policy value estimates.
 */
export { BATCHING_KNOB_KEYS, batchingKnobKey, modelFromBatchingKnobKey } from './batching-knob-key.js';
export type { PolicyCandidate, PolicyChoice, PolicyChoiceProbabilities } from './choose-with-policy.js';
export { choiceProbabilities, chooseWithPolicy } from './choose-with-policy.js';
export type { DecisionsBucketOptions } from './decisions-bucket.js';
export {
  DEFAULT_DECISIONS_MAX_AGE_MS,
  DEFAULT_DECISIONS_MAX_BYTES,
  decisionKey,
  decisionsStreamName,
  openDecisionsBucket,
} from './decisions-bucket.js';
export type { LoggedSample, ValueEstimate } from './estimate-policy-value.js';
export {
  doublyRobustEstimate,
  fullInformationEstimate,
  isWorseBeyondInterval,
} from './estimate-policy-value.js';
export type { FeatureSettings } from './featurise-prompt.js';
export {
  DEFAULT_FEATURE_SETTINGS,
  FEATURISER_VERSION,
  featureScale,
  featurisePrompt,
} from './featurise-prompt.js';
export type { RewardSettings, RoutePolicy } from './policy-codec.js';
export { IncompatiblePolicyError, policyFromMessage, policyToMessage } from './policy-codec.js';
export type { PolicyStore } from './policy-store.js';
export {
  announcementFromBytes,
  openPolicyStore,
  policyObjectName,
  publishPolicy,
  readAnnouncedPolicy,
} from './policy-store.js';
export type { LogitBelief, QualityPredictor } from './quality-predictor.js';
export {
  PRIOR_VARIANCE,
  createQualityPredictor,
  expectedQuality,
  predictLogit,
  sigmoid,
  updateQualityPredictor,
} from './quality-predictor.js';
export type { RouteExample, RouteTrainingOptions } from './train-route-predictors.js';
export { trainRoutePredictors } from './train-route-predictors.js';
export type { TrainingExample, TrainingOptions } from './train-quality-predictor.js';
export { trainQualityPredictor } from './train-quality-predictor.js';
export type { QueueDelayDecision, QueueDelayObservation, QueueDelayTuningInput } from './tune-queue-delay.js';
export { registryQueueDelayUs, tuneQueueDelay } from './tune-queue-delay.js';
