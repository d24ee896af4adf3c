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
import { cpuLimit, memoryLimitBytes } from './container-limits.js';

const DEFAULT_ACK_WAIT_MS = 10_000;
const DEFAULT_MAX_ATTEMPTS = 3;
/** The resource manager presumes a worker gone after 3 missed beats and re-places its models within 5 s. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;
/**
 * Half the memory the worker may use (the container's limit, else the host's): the rest is left to the
 * process itself, the runtimes' arenas and the system.
 */
const DEFAULT_MEMORY_BYTES = Math.floor(memoryLimitBytes() / 2);
/** A worker id is one token of `worker.<id>.assign`; these characters are safe in subjects, labels and file names. */
const WORKER_ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
const DEFAULT_DRAIN_GRACE_MS = 10_000;
/** Prometheus /metrics port; router 9401, registry 9402, monitor 9404. */
const DEFAULT_METRICS_PORT = 9403;

const shape = {
  WORKER_ID: variable(
    envString('').refine((text) => text === '' || WORKER_ID_PATTERN.test(text), {
      message: "expected at most 100 letters, digits, '-' or '_'",
    }),
    'worker-a',
  ),
  WORKER_MODELS: variable(envList([]), 'classifier-small,classifier-large'),
  WORKER_ACK_WAIT: variable(envDurationMs(DEFAULT_ACK_WAIT_MS), '10s'),
  WORKER_MAX_ATTEMPTS: variable(envInt(DEFAULT_MAX_ATTEMPTS, { min: 1, max: 20 }), '3'),
  WORKER_HEARTBEAT_INTERVAL: variable(envDurationMs(DEFAULT_HEARTBEAT_INTERVAL_MS), '1s'),
  WORKER_MEMORY_BYTES: variable(envInt(DEFAULT_MEMORY_BYTES, { min: 1 }), '2147483648'),
  WORKER_SLOTS: variable(envInt(cpuLimit(), { min: 1, max: 1024 }), '4'),
  WORKER_DRAIN_GRACE: variable(envDurationMs(DEFAULT_DRAIN_GRACE_MS), '10s'),
  WORKER_ONNX_THREADS: variable(envInt(1, { min: 1, max: 64 }), '1'),
  ...serviceVariables(DEFAULT_METRICS_PORT),
  ...telemetryMaxBytesVariable,
};

/** Everything a worker needs to run, read once from the environment. */
export interface WorkerConfig extends ServiceConfig {
  /** The TELEMETRY stream's byte limit, reserved from JetStream's storage (`TELEMETRY_MAX_BYTES`). */
  telemetryMaxBytes: number;
  /** A safe subject token: letters, digits, '-' and '_'. */
  workerId: string;
  /** The models served from the start, until an assignment (`worker.<id>.assign`) replaces them. */
  models: string[];
  /** Memory the loaded models may hold together, bytes; assignments and loads beyond it are refused. */
  memoryBytes: number;
  /** Batches the worker can run at the same time (its cores for CPU runtimes); utilisation is over these. */
  slots: number;
  /** Time a job may be held without progress before JetStream redelivers it. */
  ackWaitMs: number;
  /** Executions a job gets; one more delivery is used to answer with an error and dead-letter it. */
  maxAttempts: number;
  heartbeatIntervalMs: number;
  /** How long SIGTERM waits for queued and running batches before giving their jobs back. */
  drainGraceMs: number;
  onnxThreads: number;
  /**
   * Reads an upstream runtime's credential from the environment the config was loaded from, by the
   * variable name a model's runtime options give (e.g. the openai runtime's `api_key_env`): the name
   * is known only when the model loads, and the value must never be logged.
   */
  credential(variable: string): string | undefined;
}

/** @throws ConfigError naming every missing or malformed variable. */
export function loadConfig(environment: Environment): WorkerConfig {
  const values = parseConfig(shape, environment);
  return Object.freeze({
    ...readServiceConfig(values, environment),
    telemetryMaxBytes: values.TELEMETRY_MAX_BYTES,
    workerId: values.WORKER_ID || `${safeHostName()}-${randomBytes(3).toString('hex')}`,
    models: values.WORKER_MODELS,
    memoryBytes: values.WORKER_MEMORY_BYTES,
    slots: values.WORKER_SLOTS,
    ackWaitMs: values.WORKER_ACK_WAIT,
    maxAttempts: values.WORKER_MAX_ATTEMPTS,
    heartbeatIntervalMs: values.WORKER_HEARTBEAT_INTERVAL,
    drainGraceMs: values.WORKER_DRAIN_GRACE,
    onnxThreads: values.WORKER_ONNX_THREADS,
    credential: (variable: string) => environment[variable] || undefined,
  });
}

/** Host names may hold dots, which would split the id's subject token. */
function safeHostName(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 40) || 'worker'
  );
}
