export type { MonitorConfig } from './config.js';
export { loadConfig } from './config.js';
export type { RunningMonitor } from './service.js';
export { start } from './service.js';
