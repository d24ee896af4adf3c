import {
  ConfigError,
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
import { DEFAULT_MAX_GROUPS } from './telemetry-aggregator.js';

const DEFAULT_MONITOR_HOST = '0.0.0.0';
/** Port of the MonitorService gRPC API (the registry has 8010, the router 8001). */
const DEFAULT_MONITOR_PORT = 8020;
/** Prometheus /metrics port; router 9401, registry 9402, worker 9403. */
const DEFAULT_METRICS_PORT = 9404;
/** The router reads the load snapshot on every request; 250 ms keeps it fresh without flooding NATS. */
const DEFAULT_LOAD_INTERVAL_MS = 250;
/** Work a SIGKILL can cost: at most this much telemetry is replayed after a crash. */
const DEFAULT_CHECKPOINT_INTERVAL_MS = 2_000;
/** Below this, the consumer-info calls of one tick could not finish before the next. */
const MIN_LOAD_INTERVAL_MS = 50;
const MIN_CHECKPOINT_INTERVAL_MS = 100;

const shape = {
  ...databaseUrlVariable,
  ...databaseMigrationUrlVariable,
  DATABASE_MIGRATIONS: variable(envEnum(['apply', 'skip'], 'apply'), 'skip'),
  MONITOR_HOST: variable(envString(DEFAULT_MONITOR_HOST), '127.0.0.1'),
  MONITOR_PORT: variable(envInt(DEFAULT_MONITOR_PORT, { min: 0, max: 65_535 }), '8020'),
  MONITOR_LOAD_INTERVAL: variable(envDurationMs(DEFAULT_LOAD_INTERVAL_MS), '250ms'),
  MONITOR_CHECKPOINT_INTERVAL: variable(envDurationMs(DEFAULT_CHECKPOINT_INTERVAL_MS), '2s'),
  MONITOR_MAX_GROUPS: variable(envInt(DEFAULT_MAX_GROUPS, { min: 10 }), '1000'),
  ...serviceVariables(DEFAULT_METRICS_PORT),
  ...telemetryMaxBytesVariable,
};

/** Everything the monitor reads from its environment, parsed and validated. */
export interface MonitorConfig extends ServiceConfig {
  /** The TELEMETRY stream's byte limit, reserved from JetStream's storage (`TELEMETRY_MAX_BYTES`). */
  telemetryMaxBytes: number;
  /** Postgres for rollups and checkpoints (`DATABASE_URL`); may be the registry's database. */
  readonly databaseUrl: string;
  /** Where migrations run and the role granted DML afterwards (`DATABASE_MIGRATION_URL`). */
  readonly migrations: MigrationTarget;
  /**
   * Whether the service applies its migrations at start (`DATABASE_MIGRATIONS=apply`), or leaves them
   * to a one-shot `switchboard migrate` run before it (`skip`), so it never holds the owner's credentials.
   */
  readonly applyMigrations: boolean;
  /** Interface the MonitorService gRPC API binds to (`MONITOR_HOST`). */
  readonly host: string;
  /** Port of the gRPC API; 0 picks a free one (`MONITOR_PORT`). */
  readonly port: number;
  /** Period of the load snapshot on `monitor.load`, milliseconds (`MONITOR_LOAD_INTERVAL`). */
  readonly loadIntervalMs: number;
  /** Period of the Postgres checkpoint (state + finished rollups), milliseconds (`MONITOR_CHECKPOINT_INTERVAL`). */
  readonly checkpointIntervalMs: number;
  /** Request groups (model × version × route × tenant) kept before the rest count as `(other)` (`MONITOR_MAX_GROUPS`). */
  readonly maxGroups: number;
}

/**
 * Reads the monitor's config from `environment` (`process.env` in main.ts, a literal in tests).
 * @throws ConfigError naming every missing or malformed variable with an example of a valid value.
 */
export function loadConfig(environment: Environment): MonitorConfig {
  const parsed = parseConfig(shape, environment);
  validateIntervals(parsed.MONITOR_LOAD_INTERVAL, parsed.MONITOR_CHECKPOINT_INTERVAL);
  return Object.freeze({
    ...readServiceConfig(parsed, environment),
    telemetryMaxBytes: parsed.TELEMETRY_MAX_BYTES,
    databaseUrl: parsed.DATABASE_URL,
    migrations: readMigrationTarget(parsed),
    applyMigrations: parsed.DATABASE_MIGRATIONS === 'apply',
    host: parsed.MONITOR_HOST,
    port: parsed.MONITOR_PORT,
    loadIntervalMs: parsed.MONITOR_LOAD_INTERVAL,
    checkpointIntervalMs: parsed.MONITOR_CHECKPOINT_INTERVAL,
    maxGroups: parsed.MONITOR_MAX_GROUPS,
  });
}

function validateIntervals(loadIntervalMs: number, checkpointIntervalMs: number): void {
  const problems: string[] = [];
  if (loadIntervalMs < MIN_LOAD_INTERVAL_MS)
    problems.push(
      `MONITOR_LOAD_INTERVAL=${loadIntervalMs}ms: must be at least ${MIN_LOAD_INTERVAL_MS}ms (example: MONITOR_LOAD_INTERVAL=250ms)`,
    );
  if (checkpointIntervalMs < MIN_CHECKPOINT_INTERVAL_MS)
    problems.push(
      `MONITOR_CHECKPOINT_INTERVAL=${checkpointIntervalMs}ms: must be at least ${MIN_CHECKPOINT_INTERVAL_MS}ms (example: MONITOR_CHECKPOINT_INTERVAL=2s)`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
}
