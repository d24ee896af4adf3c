export type { RouterConfig } from './config.js';
export { loadConfig } from './config.js';
export type { RunningRouter } from './service.js';
export { startRouter } from './service.js';
