import {
  ConfigError,
  databaseUrlVariable,
  envInt,
  envString,
  logLevelVariable,
  metricsVariables,
  namespaceVariable,
  natsUrlVariable,
  parseConfig,
  variable,
} from '@switchboard/config';
import type { Environment, LogLevel } from '@switchboard/config';
import { createSubjectNames } from '@switchboard/nats';
import { pickOtelVariables } from '@switchboard/tracing';

const DEFAULT_REGISTRY_HOST = '0.0.0.0';
/** Port of the admin gRPC API. */
const DEFAULT_REGISTRY_PORT = 8010;
/** Prometheus /metrics port; router 9401, worker 9403, monitor 9404. */
const DEFAULT_METRICS_PORT = 9402;

const shape = {
  ...natsUrlVariable,
  ...databaseUrlVariable,
  ...namespaceVariable,
  REGISTRY_HOST: variable(envString(DEFAULT_REGISTRY_HOST), '127.0.0.1'),
  REGISTRY_PORT: variable(envInt(DEFAULT_REGISTRY_PORT, { min: 0, max: 65_535 }), '8010'),
  ...metricsVariables(DEFAULT_METRICS_PORT),
  ...logLevelVariable,
};

/** Everything the registry reads from its environment, parsed and validated. */
export interface RegistryConfig {
  /** NATS server the KV bucket and change events go to (`NATS_URL`). */
  readonly natsUrl: string;
  /** Postgres holding the registry's tables (`DATABASE_URL`); the source of truth. */
  readonly databaseUrl: string;
  /** Prefix for every subject and bucket name, '' for the plain names (`SWITCHBOARD_NAMESPACE`). */
  readonly namespace: string;
  /** Interface the admin gRPC API binds to (`REGISTRY_HOST`). */
  readonly host: string;
  /** Port of the admin gRPC API; 0 picks a free one (`REGISTRY_PORT`). */
  readonly port: number;
  /** Interface the Prometheus /metrics endpoint binds to (`METRICS_HOST`). */
  readonly metricsHost: string;
  /** Port of the /metrics endpoint; 0 picks a free one (`METRICS_PORT`). */
  readonly metricsPort: number;
  /** pino level (`LOG_LEVEL`). */
  readonly logLevel: LogLevel;
  /** The OTEL_* variables, for startTracing; it validates them itself (warns, never fails). */
  readonly otelEnvironment: Readonly<Record<string, string>>;
}

/**
 * Reads the registry's config from `environment` (`process.env` in main.ts, a literal in tests).
 * @throws ConfigError naming every missing or malformed variable with an example of a valid value.
 */
export function loadConfig(environment: Environment): RegistryConfig {
  const parsed = parseConfig(shape, environment);
  validateNamespace(parsed.SWITCHBOARD_NAMESPACE);
  return Object.freeze({
    natsUrl: parsed.NATS_URL,
    databaseUrl: parsed.DATABASE_URL,
    namespace: parsed.SWITCHBOARD_NAMESPACE,
    host: parsed.REGISTRY_HOST,
    port: parsed.REGISTRY_PORT,
    metricsHost: parsed.METRICS_HOST,
    metricsPort: parsed.METRICS_PORT,
    logLevel: parsed.LOG_LEVEL,
    otelEnvironment: pickOtelVariables(environment),
  });
}

/** Fails at startup rather than at the first publish: the namespace prefixes every subject and bucket. */
function validateNamespace(namespace: string): void {
  try {
    createSubjectNames(namespace);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([
      `SWITCHBOARD_NAMESPACE=${JSON.stringify(namespace)}: ${reason} (example: SWITCHBOARD_NAMESPACE=demo)`,
    ]);
  }
}
