import {
  adminTokenVariable,
  databaseMigrationUrlVariable,
  databaseUrlVariable,
  envEnum,
  envInt,
  envString,
  parseConfig,
  readMigrationTarget,
  readServiceConfig,
  serviceVariables,
  variable,
} from '@switchboard/config';
import type { Environment, ServiceConfig, MigrationTarget } from '@switchboard/config';

const DEFAULT_REGISTRY_HOST = '0.0.0.0';
/** Port of the admin gRPC API. */
const DEFAULT_REGISTRY_PORT = 8010;
/** Prometheus /metrics port; router 9401, worker 9403, monitor 9404. */
const DEFAULT_METRICS_PORT = 9402;

const shape = {
  ...databaseUrlVariable,
  ...databaseMigrationUrlVariable,
  DATABASE_MIGRATIONS: variable(envEnum(['apply', 'skip'], 'apply'), 'skip'),
  REGISTRY_HOST: variable(envString(DEFAULT_REGISTRY_HOST), '127.0.0.1'),
  REGISTRY_PORT: variable(envInt(DEFAULT_REGISTRY_PORT, { min: 0, max: 65_535 }), '8010'),
  ...serviceVariables(DEFAULT_METRICS_PORT),
  ...adminTokenVariable,
};

/** Everything the registry reads from its environment, parsed and validated. */
export interface RegistryConfig extends ServiceConfig {
  /** Postgres holding the registry's tables (`DATABASE_URL`); the source of truth. */
  readonly databaseUrl: string;
  /** Where migrations run and the role granted DML afterwards (`DATABASE_MIGRATION_URL`). */
  readonly migrations: MigrationTarget;
  /**
   * Whether the service applies its migrations at start (`DATABASE_MIGRATIONS=apply`), or leaves them
   * to a one-shot `switchboard migrate` run before it (`skip`), so it never holds the owner's credentials.
   */
  readonly applyMigrations: boolean;
  /** Interface the admin gRPC API binds to (`REGISTRY_HOST`). */
  readonly host: string;
  /** Port of the admin gRPC API; 0 picks a free one (`REGISTRY_PORT`). */
  readonly port: number;
  /** The admin token every call but the model and route reads needs; undefined: auth off (`SWITCHBOARD_ADMIN_TOKEN`). */
  readonly adminToken: string | undefined;
}

/**
 * Reads the registry's config from `environment` (`process.env` in main.ts, a literal in tests).
 * @throws ConfigError naming every missing or malformed variable with an example of a valid value.
 */
export function loadConfig(environment: Environment): RegistryConfig {
  const parsed = parseConfig(shape, environment);
  return Object.freeze({
    ...readServiceConfig(parsed, environment),
    databaseUrl: parsed.DATABASE_URL,
    migrations: readMigrationTarget(parsed),
    applyMigrations: parsed.DATABASE_MIGRATIONS === 'apply',
    host: parsed.REGISTRY_HOST,
    port: parsed.REGISTRY_PORT,
    adminToken: parsed.SWITCHBOARD_ADMIN_TOKEN,
  });
}
