export type { RegistryConfig } from './config.js';
export { loadConfig } from './config.js';
export type { RunningRegistry } from './service.js';
export { start } from './service.js';
