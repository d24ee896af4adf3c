export type { DriverName, ResourceManagerConfig, ScalingPolicyName } from './config.js';
export { loadConfig } from './config.js';
