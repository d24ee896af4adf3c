export type { WriterLock, WriterLockOptions } from './acquire-writer-lock.js';
export { acquireWriterLock } from './acquire-writer-lock.js';
export type { ServiceDefinition } from './run-service.js';
export { runService } from './run-service.js';
export { PeriodicTask } from './periodic-task.js';
export type { ServiceProcess } from './service-process.js';
export { startServiceProcess } from './service-process.js';
