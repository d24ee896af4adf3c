export type { ServiceDefinition } from './run-service.js';
export { runService } from './run-service.js';
export { PeriodicTask } from './periodic-task.js';
