export type { ConfigShape, Environment, ParsedConfig } from './parse-config.js';
export { ConfigError, parseConfig, variable } from './parse-config.js';
export {
  envBoolean,
  envDurationMs,
  envEnum,
  envInt,
  envList,
  envOptionalString,
  envString,
  envUrl,
} from './env-readers.js';
export type { LogLevel, ServiceConfig } from './service-variables.js';
export {
  databaseUrlVariable,
  logLevelVariable,
  metricsVariables,
  namespaceVariable,
  natsUrlVariable,
  NAMESPACE_PATTERN,
  readServiceConfig,
  serviceVariables,
} from './service-variables.js';
