export type { Logger, LevelWithSilent } from 'pino';
export type { LoggerOptions } from './create-logger.js';
export { createLogger } from './create-logger.js';
