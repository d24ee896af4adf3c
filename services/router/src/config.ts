import { randomBytes } from 'node:crypto';
import {
  ConfigError,
  envDurationMs,
  envEnum,
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
import { DEFAULT_DECISIONS_MAX_BYTES } from '@switchboard/routing-policy';
import { z } from 'zod';
import type { RequestLimits } from './request-limits.js';
import type { TenantAccess } from './tenant-access.js';

/** Triton's gRPC port. */
const DEFAULT_PORT = 8001;
/** Triton's HTTP/REST port. */
const DEFAULT_HTTP_PORT = 8000;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Leaves room under NATS' default 1 MiB max payload for the job envelope. */
const DEFAULT_MAX_REQUEST_BYTES = 960 * 1024;
/** Request ids are UUIDs or short client keys; 256 bytes leaves room for any real one. */
const DEFAULT_MAX_ID_BYTES = 256;
/** Triton's and KServe's clients send a handful (priority, timeout, sequence ids, sla_ms, …). */
const DEFAULT_MAX_PARAMETERS = 64;
const DEFAULT_MAX_PARAMETER_BYTES = 4_096;
const DEFAULT_MAX_TENSORS = 64;
/** Node's HTTP/2 layer refuses header blocks over 64 KiB on its own; API keys and trace headers fit in far less. */
const DEFAULT_MAX_METADATA_BYTES = 16_384;
/** Where the monitor (GetStats, for ModelStatistics) and the resource manager (RepositoryModelLoad/Unload) listen. */
const DEFAULT_MONITOR_ADDRESS = '127.0.0.1:8020';
const DEFAULT_RESOURCE_MANAGER_ADDRESS = '127.0.0.1:8040';
/** Prometheus /metrics port; registry 9402, worker 9403, monitor 9404. */
const DEFAULT_METRICS_PORT = 9401;

/** What a tenant tier gets when its requests say nothing else. */
export interface TierSettings {
  /** Latency budget of requests without a gRPC deadline or `sla_ms`, in milliseconds. */
  slaMs: number;
  /** Quality floor of the tier's requests, in [0, 1]. */
  minQuality: number;
  /**
   * The tier's tenants' share of a model's batches relative to other tenants' (a whole number,
   * 1 to MAX_SHARE_WEIGHT): workers fill batches from per-tenant queues in proportion to it.
   * @default 1
   */
  shareWeight: number;
  /**
   * Requests a tenant of the tier may start per second, counted across every router replica (KV
   * `ratelimits`); 0 for no limit. Beyond it (and its burst) requests are refused with
   * RESOURCE_EXHAUSTED and a retry delay.
   * @default 0 (10 for `free`)
   */
  ratePerSecond: number;
  /** Requests beyond `ratePerSecond` a tenant may send in any 10 s window. @default 0 (20 for `free`) */
  burst: number;
  /**
   * Requests a tenant of the tier may have in flight on one router replica; 0 for no limit.
   * @default 0 (8 for `free`, 1024 for `standard`, 4096 for `premium`)
   */
  maxConcurrent: number;
}

/** Above this a tier's turn would fill whole batches and the others' wait would grow with it. */
const MAX_SHARE_WEIGHT = 64;
const DEFAULT_SHARE_WEIGHT = 1;

/**
 * Only the free tier has a rate limit by default: what a paying tier may send depends on the capacity
 * bought, which the router cannot know. Every tier has a concurrency ceiling against runaway clients,
 * and overload is refused for all by the queue bounds (ROUTER_MAX_QUEUED_PER_MODEL, predicted wait).
 */
const DEFAULT_TIERS: Record<string, TierSettings> = {
  free: { slaMs: 5_000, minQuality: 0, shareWeight: 1, ratePerSecond: 10, burst: 20, maxConcurrent: 8 },
  standard: { slaMs: 1_000, minQuality: 0, shareWeight: 2, ratePerSecond: 0, burst: 0, maxConcurrent: 1024 },
  premium: { slaMs: 500, minQuality: 0.9, shareWeight: 4, ratePerSecond: 0, burst: 0, maxConcurrent: 4096 },
};
const DEFAULT_TIER = 'standard';
/** Consecutive failures that open a model's circuit. */
const DEFAULT_BREAKER_FAILURES = 5;
const DEFAULT_BREAKER_HALF_OPEN_AFTER_MS = 5_000;
/**
 * Longest deadline a request may ask for; longer ones are clamped to it. Below JetStream's 120 s
 * duplicate window, so a retried request id always finds its first attempt's answer cached.
 */
const DEFAULT_MAX_DEADLINE_MS = 60_000;
const MAX_MAX_DEADLINE_MS = 120_000;
/** Jobs queued or running for one model beyond which new requests for it are refused. */
const DEFAULT_MAX_QUEUED_PER_MODEL = 5_000;
/** Byte limit of the `results` bucket that answers retried request ids; oldest results go first. */
const DEFAULT_RESULT_CACHE_MAX_BYTES = 256 * 1024 ** 2;
/** The decisions bucket reserves its limit of JetStream storage; below 1 MiB it holds too few. */
const MIN_DECISIONS_MAX_BYTES = 1024 ** 2;

const tierSchema = z.object({
  slaMs: z.number().positive(),
  minQuality: z.number().min(0).max(1).default(0),
  shareWeight: z.number().int().min(1).max(MAX_SHARE_WEIGHT).default(DEFAULT_SHARE_WEIGHT),
  ratePerSecond: z.number().int().min(0).default(0),
  burst: z.number().int().min(0).default(0),
  maxConcurrent: z.number().int().min(0).default(0),
});
/** A port, 0 for a free one, or `off` for no HTTP/REST door at all; the default when unset or empty. */
const httpPortVariable = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.union([z.literal('off'), z.coerce.number().int().min(0).max(65_535)]).default(DEFAULT_HTTP_PORT),
);

const tiersVariable = z.preprocess(
  (value) => (value === '' || value === undefined ? undefined : value),
  z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'expected JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), tierSchema))
    .default(DEFAULT_TIERS),
);

const shape = {
  ROUTER_ID: variable(envString(''), 'router-a'),
  ROUTER_HOST: variable(envString('0.0.0.0'), '0.0.0.0'),
  ROUTER_PORT: variable(envInt(DEFAULT_PORT, { min: 0, max: 65_535 }), '8001'),
  ROUTER_HTTP_HOST: variable(envString('0.0.0.0'), '0.0.0.0'),
  ROUTER_HTTP_PORT: variable(httpPortVariable, '8000'),
  ROUTER_DEFAULT_TIMEOUT: variable(envDurationMs(DEFAULT_TIMEOUT_MS), '30s'),
  ROUTER_MAX_DEADLINE: variable(envDurationMs(DEFAULT_MAX_DEADLINE_MS), '60s'),
  ROUTER_MAX_QUEUED_PER_MODEL: variable(envInt(DEFAULT_MAX_QUEUED_PER_MODEL, { min: 1 }), '5000'),
  ROUTER_RESULT_CACHE_MAX_BYTES: variable(
    envInt(DEFAULT_RESULT_CACHE_MAX_BYTES, { min: MIN_DECISIONS_MAX_BYTES }),
    '268435456',
  ),
  ROUTER_MAX_REQUEST_BYTES: variable(envInt(DEFAULT_MAX_REQUEST_BYTES, { min: 1024 }), '983040'),
  ROUTER_MAX_ID_BYTES: variable(envInt(DEFAULT_MAX_ID_BYTES, { min: 36 }), '256'),
  ROUTER_MAX_PARAMETERS: variable(envInt(DEFAULT_MAX_PARAMETERS, { min: 8 }), '64'),
  ROUTER_MAX_PARAMETER_BYTES: variable(envInt(DEFAULT_MAX_PARAMETER_BYTES, { min: 64 }), '4096'),
  ROUTER_MAX_TENSORS: variable(envInt(DEFAULT_MAX_TENSORS, { min: 1 }), '64'),
  ROUTER_MAX_METADATA_BYTES: variable(envInt(DEFAULT_MAX_METADATA_BYTES, { min: 1024 }), '16384'),
  ROUTER_AUTH: variable(envEnum(['off', 'required'], 'off'), 'required'),
  ROUTER_ANONYMOUS_ROUTES: variable(envList([]), 'chat,classify'),
  ROUTER_ANONYMOUS_MODELS: variable(envList([]), 'classifier-small'),
  ROUTER_TIERS: variable(
    tiersVariable,
    '{"free":{"slaMs":5000},"premium":{"slaMs":500,"minQuality":0.9,"shareWeight":4}}',
  ),
  ROUTER_DEFAULT_TIER: variable(envString(DEFAULT_TIER), 'standard'),
  ROUTER_BREAKER_FAILURES: variable(envInt(DEFAULT_BREAKER_FAILURES, { min: 1 }), '5'),
  ROUTER_BREAKER_HALF_OPEN_AFTER: variable(envDurationMs(DEFAULT_BREAKER_HALF_OPEN_AFTER_MS), '5s'),
  ROUTER_DECISIONS_MAX_BYTES: variable(
    envInt(DEFAULT_DECISIONS_MAX_BYTES, { min: MIN_DECISIONS_MAX_BYTES }),
    '1073741824',
  ),
  ROUTER_MONITOR_ADDRESS: variable(envString(DEFAULT_MONITOR_ADDRESS), 'monitor:8020'),
  ROUTER_RESOURCE_MANAGER_ADDRESS: variable(
    envString(DEFAULT_RESOURCE_MANAGER_ADDRESS),
    'resource-manager:8040',
  ),
  ...serviceVariables(DEFAULT_METRICS_PORT),
  ...telemetryMaxBytesVariable,
};

/** Everything a router needs to run, read once from the environment. */
export interface RouterConfig extends ServiceConfig {
  /** The TELEMETRY stream's byte limit, reserved from JetStream's storage (`TELEMETRY_MAX_BYTES`). */
  telemetryMaxBytes: number;
  /** Names this router's reply inbox; unique per instance. */
  routerId: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Listen address of the KServe v2 HTTP/REST door. */
  httpHost: string;
  /** Port of the KServe v2 HTTP/REST door; 0 picks a free one; undefined: no HTTP door (`ROUTER_HTTP_PORT=off`). */
  httpPort: number | undefined;
  /** Deadline of requests that carry neither a gRPC deadline nor a `timeout` parameter. */
  defaultTimeoutMs: number;
  /** Longest deadline a request may ask for (gRPC deadline or `timeout`); longer ones are clamped. */
  maxDeadlineMs: number;
  /** Jobs queued or running for one model (all routers) beyond which its requests are refused. */
  maxQueuedPerModel: number;
  /** Byte limit of the `results` bucket (answers kept for retried request ids) when this router creates it. */
  resultCacheMaxBytes: number;
  /** Largest total input size of one request, in bytes (raw or typed contents). */
  maxRequestBytes: number;
  /** Bounds on every other size a client controls: ids, parameters, tensors, metadata. */
  limits: RequestLimits;
  /** `required`: every request needs a known API key; `off`: every request is the anonymous tenant. */
  auth: 'off' | 'required';
  /** What anonymous requests may call: both lists empty = everything (`ROUTER_ANONYMOUS_ROUTES`, `_MODELS`). */
  anonymousAccess: TenantAccess;
  /** Settings per tenant tier, by tier name. */
  tiers: Readonly<Record<string, TierSettings>>;
  /** The tier of anonymous requests and of tenants whose tier has no settings. */
  defaultTier: string;
  /** Consecutive failures of a model that open its circuit. */
  breakerFailures: number;
  /** How long an open circuit waits before letting one trial request through. */
  breakerHalfOpenAfterMs: number;
  /**
   * Byte limit of the `decisions` bucket when this router creates it (oldest decisions dropped
   * first), reserved from JetStream's storage.
   */
  decisionsMaxBytes: number;
  /** host:port of the monitor's MonitorService, asked by ModelStatistics. */
  monitorAddress: string;
  /** host:port of the ResourceManagerService, asked by RepositoryModelLoad and RepositoryModelUnload. */
  resourceManagerAddress: string;
}

/** @throws ConfigError naming every missing or malformed variable, or a default tier with no settings. */
export function loadConfig(environment: Environment): RouterConfig {
  const values = parseConfig(shape, environment);
  if (
    values.ROUTER_MAX_DEADLINE < values.ROUTER_DEFAULT_TIMEOUT ||
    values.ROUTER_MAX_DEADLINE > MAX_MAX_DEADLINE_MS
  ) {
    throw new ConfigError([
      `ROUTER_MAX_DEADLINE=${values.ROUTER_MAX_DEADLINE}ms must be at least ROUTER_DEFAULT_TIMEOUT (${values.ROUTER_DEFAULT_TIMEOUT}ms) and at most 120s (the duplicate window that answers retried ids), e.g. 60s`,
    ]);
  }
  if (values.ROUTER_TIERS[values.ROUTER_DEFAULT_TIER] === undefined) {
    throw new ConfigError([
      `ROUTER_DEFAULT_TIER=${JSON.stringify(values.ROUTER_DEFAULT_TIER)} has no settings in ROUTER_TIERS (tiers: ${Object.keys(values.ROUTER_TIERS).join(', ')})`,
    ]);
  }
  return Object.freeze({
    ...readServiceConfig(values, environment),
    telemetryMaxBytes: values.TELEMETRY_MAX_BYTES,
    routerId: values.ROUTER_ID || randomBytes(4).toString('hex'),
    host: values.ROUTER_HOST,
    port: values.ROUTER_PORT,
    httpHost: values.ROUTER_HTTP_HOST,
    httpPort: values.ROUTER_HTTP_PORT === 'off' ? undefined : values.ROUTER_HTTP_PORT,
    defaultTimeoutMs: values.ROUTER_DEFAULT_TIMEOUT,
    maxDeadlineMs: values.ROUTER_MAX_DEADLINE,
    maxQueuedPerModel: values.ROUTER_MAX_QUEUED_PER_MODEL,
    resultCacheMaxBytes: values.ROUTER_RESULT_CACHE_MAX_BYTES,
    maxRequestBytes: values.ROUTER_MAX_REQUEST_BYTES,
    limits: Object.freeze({
      maxIdBytes: values.ROUTER_MAX_ID_BYTES,
      maxParameters: values.ROUTER_MAX_PARAMETERS,
      maxParameterBytes: values.ROUTER_MAX_PARAMETER_BYTES,
      maxTensors: values.ROUTER_MAX_TENSORS,
      maxMetadataBytes: values.ROUTER_MAX_METADATA_BYTES,
    }),
    auth: values.ROUTER_AUTH,
    anonymousAccess: { routes: values.ROUTER_ANONYMOUS_ROUTES, models: values.ROUTER_ANONYMOUS_MODELS },
    tiers: values.ROUTER_TIERS,
    defaultTier: values.ROUTER_DEFAULT_TIER,
    breakerFailures: values.ROUTER_BREAKER_FAILURES,
    breakerHalfOpenAfterMs: values.ROUTER_BREAKER_HALF_OPEN_AFTER,
    decisionsMaxBytes: values.ROUTER_DECISIONS_MAX_BYTES,
    monitorAddress: values.ROUTER_MONITOR_ADDRESS,
    resourceManagerAddress: values.ROUTER_RESOURCE_MANAGER_ADDRESS,
  });
}
