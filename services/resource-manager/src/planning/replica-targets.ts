// The three policies' replica targets under one import for the control loop.
export type { ModelDemand, ReplicaTarget, ScalingPolicy } from './model-demand.js';
export { predictiveTarget } from './predictive-target.js';
export type { PredictiveOptions } from './predictive-target.js';
export { ReactiveScaler } from './reactive-scaler.js';
export type { ReactiveOptions } from './reactive-scaler.js';
export { staticTarget } from './static-target.js';
