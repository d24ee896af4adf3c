export type { WorkerConfig } from './config.js';
export { loadConfig } from './config.js';
export type { RunningWorker } from './service.js';
export { startWorker } from './service.js';
