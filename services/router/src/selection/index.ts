/**
 * The router's model selection, for tools that measure it in-process (the `selection` benchmark):
 * the same classes the router builds in `startRouter`.
 */
export type { Requester } from './eligible-candidates.js';
export { LoadView } from './load-view.js';
export { ModelCircuitBreakers } from '../model-circuit-breakers.js';
export type { Target } from './model-selector.js';
export { ModelSelector } from './model-selector.js';
export type { PolicyWatcherOptions } from './policy-watcher.js';
export { PolicyWatcher } from './policy-watcher.js';
export type { SelectionConstraints } from './choose-feasible.js';
export { ServiceTimeEstimator } from './service-time-estimator.js';
