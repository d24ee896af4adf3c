import { randomBytes } from 'node:crypto';
import {
  envDurationMs,
  envInt,
  envString,
  parseConfig,
  readServiceConfig,
  serviceVariables,
  variable,
} from '@switchboard/config';
import type { Environment, ServiceConfig } from '@switchboard/config';

/** Triton's gRPC port. */
const DEFAULT_PORT = 8001;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Leaves room under NATS' default 1 MiB max payload for the job envelope. */
const DEFAULT_MAX_REQUEST_BYTES = 960 * 1024;
/** Prometheus /metrics port; registry 9402, worker 9403, monitor 9404. */
const DEFAULT_METRICS_PORT = 9401;

const shape = {
  ROUTER_ID: variable(envString(''), 'router-a'),
  ROUTER_HOST: variable(envString('0.0.0.0'), '0.0.0.0'),
  ROUTER_PORT: variable(envInt(DEFAULT_PORT, { min: 0, max: 65_535 }), '8001'),
  ROUTER_DEFAULT_TIMEOUT: variable(envDurationMs(DEFAULT_TIMEOUT_MS), '30s'),
  ROUTER_MAX_REQUEST_BYTES: variable(envInt(DEFAULT_MAX_REQUEST_BYTES, { min: 1024 }), '983040'),
  ...serviceVariables(DEFAULT_METRICS_PORT),
};

/** Everything a router needs to run, read once from the environment. */
export interface RouterConfig extends ServiceConfig {
  /** Names this router's reply inbox; unique per instance. */
  routerId: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Deadline of requests that carry neither a gRPC deadline nor a `timeout` parameter. */
  defaultTimeoutMs: number;
  /** Largest total input size of one request, in bytes (raw or typed contents). */
  maxRequestBytes: number;
}

/** @throws ConfigError naming every missing or malformed variable. */
export function loadConfig(environment: Environment): RouterConfig {
  const values = parseConfig(shape, environment);
  return Object.freeze({
    ...readServiceConfig(values, environment),
    routerId: values.ROUTER_ID || randomBytes(4).toString('hex'),
    host: values.ROUTER_HOST,
    port: values.ROUTER_PORT,
    defaultTimeoutMs: values.ROUTER_DEFAULT_TIMEOUT,
    maxRequestBytes: values.ROUTER_MAX_REQUEST_BYTES,
  });
}
