import {
  ConfigError,
  adminTokenVariable,
  databaseMigrationUrlVariable,
  databaseUrlVariable,
  envEnum,
  envDurationMs,
  envInt,
  envString,
  parseConfig,
  readMigrationTarget,
  readServiceConfig,
  serviceVariables,
  telemetryMaxBytesVariable,
  variable,
} from '@switchboard/config';
import type { Environment, ServiceConfig, MigrationTarget } from '@switchboard/config';

const DEFAULT_OPTIMIZER_HOST = '0.0.0.0';
/** Port of the OptimizerService gRPC API (registry 8010, monitor 8020). */
const DEFAULT_OPTIMIZER_PORT = 8030;
/** Prometheus /metrics port; router 9401, registry 9402, worker 9403, monitor 9404. */
const DEFAULT_METRICS_PORT = 9405;
/** A route's policy is republished at most this often; the router applies a new one within 1 s. */
const DEFAULT_PUBLISH_INTERVAL_MS = 2_000;
/** Below this, a publish (megabytes of weights to NATS and Postgres) could not finish before the next. */
const MIN_PUBLISH_INTERVAL_MS = 100;
/**
 * Feedback and signal observations kept per route and source: a refit reads them all into memory
 * (about 6 KB of features each for a 2 KB prompt), so 10,000 bound one source of a route to ~60 MB.
 */
const DEFAULT_MAX_OBSERVATIONS = 10_000;
/** Imported outcome rows kept per route; each holds at most 2,048 characters of prompt. */
const DEFAULT_MAX_IMPORTED_ROWS = 50_000;
/** Decisions kept per route for SLO-miss rates, costs and decision shares (~100 bytes each). */
const DEFAULT_MAX_DECISIONS = 100_000;
/**
 * Online observations after which a route is refit: the batch fit (shared difficulty direction,
 * several passes) learns more from the same feedback than one update per observation, and at a few
 * hundred observations it takes well under a second.
 */
const DEFAULT_REFIT_OBSERVATIONS = 500;
/**
 * Batching knobs are judged this often: each change needs 50 fresh requests with a budget, and a
 * delay that moves every few seconds would be judged on requests the previous one still shaped.
 */
const DEFAULT_BATCHING_INTERVAL_MS = 10_000;
/** A round reads and writes a KV entry per model; tests tune every 100 ms, production never needs less. */
const MIN_BATCHING_INTERVAL_MS = 100;
/** Fewer rows than this would make every estimate and rate noise. */
const MIN_KEPT_ROWS = 100;
/** Where RegistryService listens: canary verdicts are applied through it. */
const DEFAULT_REGISTRY_ADDRESS = '127.0.0.1:8010';
/** Canaries are judged this often; a verdict waits at most this long after the evidence is in. */
const DEFAULT_CANARY_INTERVAL_MS = 5_000;
/** Each round reads every route's thresholds; more often than this would only load Postgres. */
const MIN_CANARY_INTERVAL_MS = 100;

const shape = {
  ...databaseUrlVariable,
  ...databaseMigrationUrlVariable,
  DATABASE_MIGRATIONS: variable(envEnum(['apply', 'skip'], 'apply'), 'skip'),
  OPTIMIZER_HOST: variable(envString(DEFAULT_OPTIMIZER_HOST), '127.0.0.1'),
  OPTIMIZER_PORT: variable(envInt(DEFAULT_OPTIMIZER_PORT, { min: 0, max: 65_535 }), '8030'),
  OPTIMIZER_PUBLISH_INTERVAL: variable(envDurationMs(DEFAULT_PUBLISH_INTERVAL_MS), '2s'),
  OPTIMIZER_MAX_OBSERVATIONS: variable(envInt(DEFAULT_MAX_OBSERVATIONS, { min: MIN_KEPT_ROWS }), '10000'),
  OPTIMIZER_MAX_IMPORTED_ROWS: variable(envInt(DEFAULT_MAX_IMPORTED_ROWS, { min: MIN_KEPT_ROWS }), '50000'),
  OPTIMIZER_MAX_DECISIONS: variable(envInt(DEFAULT_MAX_DECISIONS, { min: MIN_KEPT_ROWS }), '100000'),
  OPTIMIZER_REFIT_OBSERVATIONS: variable(envInt(DEFAULT_REFIT_OBSERVATIONS, { min: 0 }), '500'),
  OPTIMIZER_BATCHING_INTERVAL: variable(envDurationMs(DEFAULT_BATCHING_INTERVAL_MS), '10s'),
  OPTIMIZER_CANARY_INTERVAL: variable(envDurationMs(DEFAULT_CANARY_INTERVAL_MS), '5s'),
  REGISTRY_ADDRESS: variable(envString(DEFAULT_REGISTRY_ADDRESS), 'registry:8010'),
  ...telemetryMaxBytesVariable,
  ...serviceVariables(DEFAULT_METRICS_PORT),
  ...adminTokenVariable,
};

/** Everything the optimizer reads from its environment, parsed and validated. */
export interface OptimizerConfig extends ServiceConfig {
  /** Postgres for observations, settings, policies and refusals (`DATABASE_URL`); may be the registry's. */
  readonly databaseUrl: string;
  /** Where migrations run and the role granted DML afterwards (`DATABASE_MIGRATION_URL`). */
  readonly migrations: MigrationTarget;
  /**
   * Whether the service applies its migrations at start (`DATABASE_MIGRATIONS=apply`), or leaves them
   * to a one-shot `switchboard migrate` run before it (`skip`), so it never holds the owner's credentials.
   */
  readonly applyMigrations: boolean;
  /** Interface the OptimizerService gRPC API binds to (`OPTIMIZER_HOST`). */
  readonly host: string;
  /** Port of the gRPC API; 0 picks a free one (`OPTIMIZER_PORT`). */
  readonly port: number;
  /** Least time between two publications of a route's policy, milliseconds (`OPTIMIZER_PUBLISH_INTERVAL`). */
  readonly publishIntervalMs: number;
  /** Observations kept per route and source (feedback, confidence, escalated) (`OPTIMIZER_MAX_OBSERVATIONS`). */
  readonly maxObservations: number;
  /** Imported outcome rows kept per route (`OPTIMIZER_MAX_IMPORTED_ROWS`). */
  readonly maxImportedRows: number;
  /** Router decisions kept per route (`OPTIMIZER_MAX_DECISIONS`). */
  readonly maxDecisions: number;
  /** Observations learned online after which a route is refit; 0 never (`OPTIMIZER_REFIT_OBSERVATIONS`). */
  readonly refitAfterObservations: number;
  /** How often models' batching delays are judged and changed knobs published, ms (`OPTIMIZER_BATCHING_INTERVAL`). */
  readonly batchingIntervalMs: number;
  /** How often canaries are judged, ms (`OPTIMIZER_CANARY_INTERVAL`). */
  readonly canaryIntervalMs: number;
  /** host:port of RegistryService, which applies canary verdicts (`REGISTRY_ADDRESS`). */
  readonly registryAddress: string;
  /** The TELEMETRY stream's byte limit, reserved from JetStream's storage (`TELEMETRY_MAX_BYTES`). */
  readonly telemetryMaxBytes: number;
  /**
   * The admin token: ImportOutcomes and SetRouteSettings need it, and the optimizer sends it to the
   * registry when applying canary verdicts; undefined: admin auth off (`SWITCHBOARD_ADMIN_TOKEN`).
   */
  readonly adminToken: string | undefined;
}

/**
 * Reads the optimizer's config from `environment` (`process.env` in main.ts, a literal in tests).
 * @throws ConfigError naming every missing or malformed variable with an example of a valid value.
 */
export function loadConfig(environment: Environment): OptimizerConfig {
  const parsed = parseConfig(shape, environment);
  if (parsed.OPTIMIZER_PUBLISH_INTERVAL < MIN_PUBLISH_INTERVAL_MS) {
    throw new ConfigError([
      `OPTIMIZER_PUBLISH_INTERVAL=${parsed.OPTIMIZER_PUBLISH_INTERVAL}ms: must be at least ` +
        `${MIN_PUBLISH_INTERVAL_MS}ms (example: OPTIMIZER_PUBLISH_INTERVAL=2s)`,
    ]);
  }
  if (parsed.OPTIMIZER_BATCHING_INTERVAL < MIN_BATCHING_INTERVAL_MS) {
    throw new ConfigError([
      `OPTIMIZER_BATCHING_INTERVAL=${parsed.OPTIMIZER_BATCHING_INTERVAL}ms: must be at least ` +
        `${MIN_BATCHING_INTERVAL_MS}ms (example: OPTIMIZER_BATCHING_INTERVAL=10s)`,
    ]);
  }
  if (parsed.OPTIMIZER_CANARY_INTERVAL < MIN_CANARY_INTERVAL_MS) {
    throw new ConfigError([
      `OPTIMIZER_CANARY_INTERVAL=${parsed.OPTIMIZER_CANARY_INTERVAL}ms: must be at least ` +
        `${MIN_CANARY_INTERVAL_MS}ms (example: OPTIMIZER_CANARY_INTERVAL=5s)`,
    ]);
  }
  return Object.freeze({
    ...readServiceConfig(parsed, environment),
    databaseUrl: parsed.DATABASE_URL,
    migrations: readMigrationTarget(parsed),
    applyMigrations: parsed.DATABASE_MIGRATIONS === 'apply',
    host: parsed.OPTIMIZER_HOST,
    port: parsed.OPTIMIZER_PORT,
    publishIntervalMs: parsed.OPTIMIZER_PUBLISH_INTERVAL,
    maxObservations: parsed.OPTIMIZER_MAX_OBSERVATIONS,
    maxImportedRows: parsed.OPTIMIZER_MAX_IMPORTED_ROWS,
    maxDecisions: parsed.OPTIMIZER_MAX_DECISIONS,
    refitAfterObservations: parsed.OPTIMIZER_REFIT_OBSERVATIONS,
    batchingIntervalMs: parsed.OPTIMIZER_BATCHING_INTERVAL,
    canaryIntervalMs: parsed.OPTIMIZER_CANARY_INTERVAL,
    registryAddress: parsed.REGISTRY_ADDRESS,
    telemetryMaxBytes: parsed.TELEMETRY_MAX_BYTES,
    adminToken: parsed.SWITCHBOARD_ADMIN_TOKEN,
  });
}
