export type { ConfigShape, Environment, ParsedConfig } from './parse-config.js';
export { ConfigError, parseConfig, secretVariable, urlVariable, variable } from './parse-config.js';
export type { GrpcTlsSettings, NatsSettings } from './security-variables.js';
export { adminTokenVariable, grpcTlsVariables, readGrpcTlsSettings } from './security-variables.js';
export {
  envBoolean,
  envDurationMs,
  envEnum,
  envInt,
  envList,
  envNumber,
  envOptionalInt,
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
export type { MigrationTarget } from './migration-variables.js';
export { databaseMigrationUrlVariable, readMigrationTarget } from './migration-variables.js';
