import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  ConfigError,
  adminTokenVariable,
  databaseUrlVariable,
  envBoolean,
  envDurationMs,
  envEnum,
  envInt,
  envList,
  envNumber,
  envString,
  parseConfig,
  readServiceConfig,
  serviceVariables,
  variable,
} from '@switchboard/config';
import type { Environment, ServiceConfig } from '@switchboard/config';

const DEFAULT_HOST = '0.0.0.0';
/** Port of the ResourceManagerService gRPC API (registry 8010, monitor 8020, optimizer 8030). */
const DEFAULT_PORT = 8040;
/** Prometheus /metrics port; router 9401, registry 9402, worker 9403, monitor 9404, optimizer 9405. */
const DEFAULT_METRICS_PORT = 9406;
/** How often the loop re-plans: fast enough to re-place a dead worker's models within 5 s. */
const DEFAULT_INTERVAL_MS = 1_000;
/** The forecasters' step: long enough to smooth Poisson noise at a few requests per second. */
const DEFAULT_FORECAST_STEP_MS = 10_000;
/** Replicas are sized for this busy fraction, leaving headroom for bursts inside a step. */
const DEFAULT_TARGET_UTILISATION = 0.7;
const DEFAULT_QUEUE_WAIT_SLO_MS = 500;
/** Scale-to-zero after this long without requests; shorter idles pay a cold start too often. */
const DEFAULT_IDLE_UNLOAD_MS = 10 * 60_000;
/**
 * Surplus replicas stay this long after demand fell: bursts in real traffic recur within minutes,
 * and a replica unloaded between two costs a cold start at the next one, when it is needed most.
 * The same as the HPA's default scale-down stabilisation window.
 */
const DEFAULT_SCALE_DOWN_DELAY_MS = 300_000;
/** Another replica takes over this long after the active one stopped renewing its lease. */
const DEFAULT_LEASE_TTL_MS = 6_000;
/** KEDA's JetStream scaler defaults: 10 pending jobs per replica, HPA sync 15 s, 5 min down-stabilisation. */
const DEFAULT_REACTIVE_LAG_THRESHOLD = 10;
const DEFAULT_REACTIVE_POLL_MS = 15_000;
const DEFAULT_REACTIVE_STABILISATION_MS = 300_000;
const DEFAULT_WORKER_MEMORY_BYTES = 2 * 1024 ** 3;

const shape = {
  ...databaseUrlVariable,
  RESOURCE_MANAGER_HOST: variable(envString(DEFAULT_HOST), '127.0.0.1'),
  RESOURCE_MANAGER_PORT: variable(envInt(DEFAULT_PORT, { min: 0, max: 65_535 }), '8040'),
  RM_ID: variable(envString(''), 'resource-manager-a'),
  RM_POLICY: variable(envEnum(['predictive', 'reactive', 'static'], 'predictive'), 'predictive'),
  RM_DRIVER: variable(envEnum(['local', 'kubernetes', 'none'], 'local'), 'local'),
  RM_INTERVAL: variable(envDurationMs(DEFAULT_INTERVAL_MS), '1s'),
  RM_FORECAST_STEP: variable(envDurationMs(DEFAULT_FORECAST_STEP_MS), '10s'),
  RM_TARGET_UTILISATION: variable(envNumber(DEFAULT_TARGET_UTILISATION, { min: 0.05, max: 1 }), '0.7'),
  RM_QUEUE_WAIT_SLO: variable(envDurationMs(DEFAULT_QUEUE_WAIT_SLO_MS), '500ms'),
  RM_IDLE_UNLOAD: variable(envDurationMs(DEFAULT_IDLE_UNLOAD_MS), '10m'),
  RM_SCALE_DOWN_DELAY: variable(envDurationMs(DEFAULT_SCALE_DOWN_DELAY_MS), '5m'),
  RM_KEEP_ROUTE_WARM: variable(envBoolean(true), 'true'),
  RM_MIN_WORKERS: variable(envInt(1, { min: 0, max: 10_000 }), '1'),
  RM_MAX_WORKERS: variable(envInt(4, { min: 1, max: 10_000 }), '4'),
  RM_WORKER_MEMORY_BYTES: variable(envInt(DEFAULT_WORKER_MEMORY_BYTES, { min: 1 }), '2147483648'),
  RM_LEASE_TTL: variable(envDurationMs(DEFAULT_LEASE_TTL_MS), '6s'),
  RM_REACTIVE_LAG_THRESHOLD: variable(envInt(DEFAULT_REACTIVE_LAG_THRESHOLD, { min: 1 }), '10'),
  RM_REACTIVE_POLL: variable(envDurationMs(DEFAULT_REACTIVE_POLL_MS), '15s'),
  RM_REACTIVE_STABILISATION: variable(envDurationMs(DEFAULT_REACTIVE_STABILISATION_MS), '300s'),
  RM_LOCAL_LOG_DIR: variable(envString('.switchboard/logs'), '/var/log/switchboard'),
  RM_LOCAL_WORKER_ENV: variable(envList([]), 'WORKER_ONNX_THREADS=1,LOG_LEVEL=warn'),
  RM_KUBERNETES_NAMESPACE: variable(envString('default'), 'switchboard'),
  RM_KUBERNETES_DEPLOYMENT: variable(envString('worker'), 'worker'),
  ...serviceVariables(DEFAULT_METRICS_PORT),
  ...adminTokenVariable,
};

export type ScalingPolicyName = 'predictive' | 'reactive' | 'static';
export type DriverName = 'local' | 'kubernetes' | 'none';

/** Everything the resource manager reads from its environment, parsed and validated. */
export interface ResourceManagerConfig extends ServiceConfig {
  /** Postgres holding the monitor's per-minute rollups, the forecasters' history (`DATABASE_URL`). */
  readonly databaseUrl: string;
  /** Interface and port of the ResourceManagerService gRPC API; port 0 picks a free one. */
  readonly host: string;
  readonly port: number;
  /** Identity in the lease, in assignments and in the ids of the workers the local driver starts. */
  readonly managerId: string;
  readonly policy: ScalingPolicyName;
  readonly driver: DriverName;
  readonly intervalMs: number;
  readonly forecastStepMs: number;
  readonly targetUtilisation: number;
  /** Default longest predicted queue wait; a model's ScalingSpec.queue_wait_slo_ms overrides it. */
  readonly queueWaitSloMs: number;
  /** Default idle time before scale-to-zero; a model's ScalingSpec.idle_unload_seconds overrides it. */
  readonly idleUnloadMs: number;
  readonly scaleDownDelayMs: number;
  /** Whether every route keeps at least one candidate loaded even when idle. */
  readonly keepRouteWarm: boolean;
  readonly minWorkers: number;
  readonly maxWorkers: number;
  /** Memory of a worker the driver starts (the local driver passes it as WORKER_MEMORY_BYTES). */
  readonly workerMemoryBytes: number;
  readonly leaseTtlMs: number;
  readonly reactive: {
    readonly lagThreshold: number;
    readonly pollMs: number;
    readonly stabilisationMs: number;
  };
  readonly local: {
    readonly logDirectory: string;
    readonly workerEnvironment: Readonly<Record<string, string>>;
  };
  readonly kubernetes: { readonly namespace: string; readonly deployment: string };
  /** The admin token GetPlacement needs; undefined: admin auth off (`SWITCHBOARD_ADMIN_TOKEN`). */
  readonly adminToken: string | undefined;
}

/** @throws ConfigError naming every missing or malformed variable. */
export function loadConfig(environment: Environment): ResourceManagerConfig {
  const values = parseConfig(shape, environment);
  if (values.RM_MIN_WORKERS > values.RM_MAX_WORKERS) {
    throw new ConfigError([
      `RM_MIN_WORKERS (${values.RM_MIN_WORKERS}) must not exceed RM_MAX_WORKERS (${values.RM_MAX_WORKERS})`,
    ]);
  }
  return Object.freeze({
    ...readServiceConfig(values, environment),
    databaseUrl: values.DATABASE_URL,
    host: values.RESOURCE_MANAGER_HOST,
    port: values.RESOURCE_MANAGER_PORT,
    managerId: values.RM_ID || `${safeHostName()}-${randomBytes(3).toString('hex')}`,
    policy: values.RM_POLICY,
    driver: values.RM_DRIVER,
    intervalMs: values.RM_INTERVAL,
    forecastStepMs: values.RM_FORECAST_STEP,
    targetUtilisation: values.RM_TARGET_UTILISATION,
    queueWaitSloMs: values.RM_QUEUE_WAIT_SLO,
    idleUnloadMs: values.RM_IDLE_UNLOAD,
    scaleDownDelayMs: values.RM_SCALE_DOWN_DELAY,
    keepRouteWarm: values.RM_KEEP_ROUTE_WARM,
    minWorkers: values.RM_MIN_WORKERS,
    maxWorkers: values.RM_MAX_WORKERS,
    workerMemoryBytes: values.RM_WORKER_MEMORY_BYTES,
    leaseTtlMs: values.RM_LEASE_TTL,
    reactive: {
      lagThreshold: values.RM_REACTIVE_LAG_THRESHOLD,
      pollMs: values.RM_REACTIVE_POLL,
      stabilisationMs: values.RM_REACTIVE_STABILISATION,
    },
    local: {
      logDirectory: values.RM_LOCAL_LOG_DIR,
      workerEnvironment: Object.fromEntries(values.RM_LOCAL_WORKER_ENV.map(splitAssignment)),
    },
    kubernetes: { namespace: values.RM_KUBERNETES_NAMESPACE, deployment: values.RM_KUBERNETES_DEPLOYMENT },
    adminToken: values.SWITCHBOARD_ADMIN_TOKEN,
  });
}

/** Host names may hold dots; ids become NATS subject tokens, so only letters, digits, '-' and '_' stay. */
function safeHostName(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 40) || 'resource-manager'
  );
}

function splitAssignment(entry: string): [string, string] {
  const equals = entry.indexOf('=');
  if (equals <= 0) throw new ConfigError([`RM_LOCAL_WORKER_ENV entry "${entry}" must be KEY=VALUE`]);
  return [entry.slice(0, equals), entry.slice(equals + 1)];
}
