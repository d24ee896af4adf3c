export type { OptimizerConfig } from './config.js';
export { loadConfig } from './config.js';
export type { RunningOptimizer } from './service.js';
export { start } from './service.js';
