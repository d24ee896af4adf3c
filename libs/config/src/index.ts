export type { ConfigShape, Environment, ParsedConfig } from './parse-config.js';
export { ConfigError, parseConfig, variable } from './parse-config.js';
export {
  envBoolean,
  envDurationMs,
  envEnum,
  envInt,
  envList,
  envNumber,
  envOptionalString,
  envString,
  envUrl,
} from './env-readers.js';
export type { LogLevel, ServiceConfig } from './service-variables.js';
export {
  databaseUrlVariable,
  DEFAULT_TELEMETRY_MAX_BYTES,
  logLevelVariable,
  metricsVariables,
  namespaceVariable,
  natsUrlVariable,
  NAMESPACE_PATTERN,
  readServiceConfig,
  serviceVariables,
  telemetryMaxBytesVariable,
} from './service-variables.js';
