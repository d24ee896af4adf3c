export type { DriverName, ResourceManagerConfig, ScalingPolicyName } from './config.js';
export { loadConfig } from './config.js';
export type { RunningResourceManager } from './service.js';
export { start } from './service.js';
