import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  envDurationMs,
  envInt,
  envList,
  envString,
  parseConfig,
  readServiceConfig,
  serviceVariables,
  telemetryMaxBytesVariable,
  variable,
} from '@switchboard/config';
import type { Environment, ServiceConfig } from '@switchboard/config';

const DEFAULT_ACK_WAIT_MS = 10_000;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_HEARTBEAT_INTERVAL_MS = 2_000;
const DEFAULT_DRAIN_GRACE_MS = 10_000;
/** Prometheus /metrics port; router 9401, registry 9402, monitor 9404. */
const DEFAULT_METRICS_PORT = 9403;

const shape = {
  WORKER_ID: variable(envString(''), 'worker-a'),
  WORKER_MODELS: variable(envList([]), 'classifier-small,classifier-large'),
  WORKER_ACK_WAIT: variable(envDurationMs(DEFAULT_ACK_WAIT_MS), '10s'),
  WORKER_MAX_ATTEMPTS: variable(envInt(DEFAULT_MAX_ATTEMPTS, { min: 1, max: 20 }), '3'),
  WORKER_HEARTBEAT_INTERVAL: variable(envDurationMs(DEFAULT_HEARTBEAT_INTERVAL_MS), '2s'),
  WORKER_DRAIN_GRACE: variable(envDurationMs(DEFAULT_DRAIN_GRACE_MS), '10s'),
  WORKER_ONNX_THREADS: variable(envInt(1, { min: 1, max: 64 }), '1'),
  ...serviceVariables(DEFAULT_METRICS_PORT),
  ...telemetryMaxBytesVariable,
};

/** Everything a worker needs to run, read once from the environment. */
export interface WorkerConfig extends ServiceConfig {
  /** The TELEMETRY stream's byte limit, reserved from JetStream's storage (`TELEMETRY_MAX_BYTES`). */
  telemetryMaxBytes: number;
  workerId: string;
  /** Names of the models this worker serves (placement by the resource manager replaces this later). */
  models: string[];
  /** Time a job may be held without progress before JetStream redelivers it. */
  ackWaitMs: number;
  /** Executions a job gets; one more delivery is used to answer with an error and dead-letter it. */
  maxAttempts: number;
  heartbeatIntervalMs: number;
  /** How long SIGTERM waits for queued and running batches before giving their jobs back. */
  drainGraceMs: number;
  onnxThreads: number;
}

/** @throws ConfigError naming every missing or malformed variable. */
export function loadConfig(environment: Environment): WorkerConfig {
  const values = parseConfig(shape, environment);
  return Object.freeze({
    ...readServiceConfig(values, environment),
    telemetryMaxBytes: values.TELEMETRY_MAX_BYTES,
    workerId: values.WORKER_ID || `${hostname()}-${randomBytes(3).toString('hex')}`,
    models: values.WORKER_MODELS,
    ackWaitMs: values.WORKER_ACK_WAIT,
    maxAttempts: values.WORKER_MAX_ATTEMPTS,
    heartbeatIntervalMs: values.WORKER_HEARTBEAT_INTERVAL,
    drainGraceMs: values.WORKER_DRAIN_GRACE,
    onnxThreads: values.WORKER_ONNX_THREADS,
  });
}
