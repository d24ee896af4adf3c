import { envEnum, envInt, envString, envUrl } from './env-readers.js';
import { ConfigError, urlVariable, variable } from './parse-config.js';
import type { Environment, ParsedConfig } from './parse-config.js';
import {
  grpcTlsVariables,
  natsSecurityVariables,
  readGrpcTlsSettings,
  readNatsSettings,
} from './security-variables.js';
import type { GrpcTlsSettings, NatsSettings } from './security-variables.js';

// The variables several services read, declared once so that their defaults (documented in each
// service's README) and the examples in error messages cannot drift apart. Each is a piece of a
// ConfigShape to spread into a service's own shape.

const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_METRICS_HOST = '0.0.0.0';
const DEFAULT_LOG_LEVEL = 'info';
const MAX_PORT = 65_535;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A pino level, or `silent` for no output at all. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * `NATS_URL`: the NATS server, a `nats://` or `tls://` URL.
 * @default 'nats://127.0.0.1:4222'
 */
export const natsUrlVariable = {
  NATS_URL: urlVariable(envUrl(['nats:', 'tls:'], DEFAULT_NATS_URL), DEFAULT_NATS_URL),
};

/**
 * What a namespace may be: it becomes a NATS subject token, a stream name prefix and a KV bucket
 * prefix, so 1–32 lowercase letters or digits starting with a letter (or empty for none).
 */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9]{0,31}$/;

/**
 * `SWITCHBOARD_NAMESPACE`: the prefix of every subject, stream and bucket name; empty for the plain
 * names; otherwise {@link NAMESPACE_PATTERN}.
 * @default ''
 */
export const namespaceVariable = {
  SWITCHBOARD_NAMESPACE: variable(
    envString('').refine((text) => text === '' || NAMESPACE_PATTERN.test(text), {
      message: 'expected 1-32 lowercase letters or digits starting with a letter',
    }),
    'demo',
  ),
};

/**
 * `DATABASE_URL`: the PostgreSQL database, a `postgres://` or `postgresql://` URL.
 * @default 'postgres://postgres@127.0.0.1:5432/postgres'
 */
export const databaseUrlVariable = {
  DATABASE_URL: urlVariable(envUrl(['postgres:', 'postgresql:'], DEFAULT_DATABASE_URL), DEFAULT_DATABASE_URL),
};

/** The TELEMETRY stream's default byte limit: 1 GiB. */
export const DEFAULT_TELEMETRY_MAX_BYTES = 1024 ** 3;
const MIN_TELEMETRY_MAX_BYTES = 1024 ** 2;

/**
 * `TELEMETRY_MAX_BYTES`: the most the TELEMETRY stream keeps, oldest records dropped first. JetStream
 * reserves the whole limit from its storage when the stream is created, so on a small disk it must
 * be lowered. Read by every service that may create the stream (router, worker, monitor): give them
 * all the same value, or each start re-applies its own.
 * @default 1 GiB (at least 1 MiB)
 */
export const telemetryMaxBytesVariable = {
  TELEMETRY_MAX_BYTES: variable(
    envInt(DEFAULT_TELEMETRY_MAX_BYTES, { min: MIN_TELEMETRY_MAX_BYTES }),
    String(256 * 1024 ** 2),
  ),
};

const MAX_STREAM_REPLICAS = 5;

/**
 * `NATS_STREAM_REPLICAS`: how many servers of a JetStream cluster hold each stream and KV bucket the
 * service creates (1, 3 or 5; JetStream needs a majority of them up to accept writes). More than 1
 * needs a clustered NATS: a single server refuses to create the stream.
 * @default 1
 */
export const natsStreamReplicasVariable = {
  NATS_STREAM_REPLICAS: variable(
    envInt(1, { min: 1, max: MAX_STREAM_REPLICAS }).refine((replicas) => replicas % 2 === 1, {
      message: 'expected an odd number (1, 3 or 5) so that a majority of the replicas decides',
    }),
    '3',
  ),
};

/**
 * `LOG_LEVEL`: one of {@link LogLevel}.
 * @default 'info'
 */
export const logLevelVariable = {
  LOG_LEVEL: variable(envEnum(LOG_LEVELS, DEFAULT_LOG_LEVEL), 'debug'),
};

/**
 * `METRICS_HOST` (default `0.0.0.0`) and `METRICS_PORT` (default `defaultPort`, 0 picks a free
 * one): the listener of the Prometheus /metrics endpoint. Each service has its own default port so
 * that all of them fit on one host.
 */
export function metricsVariables(defaultPort: number) {
  return {
    METRICS_HOST: variable(envString(DEFAULT_METRICS_HOST), DEFAULT_METRICS_HOST),
    METRICS_PORT: variable(envInt(defaultPort, { min: 0, max: MAX_PORT }), String(defaultPort)),
  };
}

/**
 * The variables every Switchboard service reads: `NATS_URL` with its credentials and TLS
 * ({@link natsSecurityVariables}), `NATS_STREAM_REPLICAS`, gRPC TLS ({@link grpcTlsVariables}), `SWITCHBOARD_NAMESPACE`,
 * `METRICS_HOST`/`METRICS_PORT` (with the service's own default port) and `LOG_LEVEL`.
 */
export function serviceVariables(defaultMetricsPort: number) {
  return {
    ...natsUrlVariable,
    ...natsSecurityVariables,
    ...natsStreamReplicasVariable,
    ...grpcTlsVariables,
    ...namespaceVariable,
    ...metricsVariables(defaultMetricsPort),
    ...logLevelVariable,
  };
}

/** The settings every service has, from {@link serviceVariables}. */
export interface ServiceConfig {
  /** NATS server (`NATS_URL`). */
  readonly natsUrl: string;
  /** NATS server, credentials and TLS (`NATS_URL`, `NATS_USER`, `NATS_PASSWORD`, `NATS_CREDS_FILE`, `NATS_TLS_*`). */
  readonly nats: NatsSettings;
  /** Replicas of every stream and KV bucket this service creates (`NATS_STREAM_REPLICAS`). */
  readonly natsStreamReplicas: number;
  /** TLS of this service's gRPC server and clients (`GRPC_TLS_*`); empty for plaintext. */
  readonly grpcTls: GrpcTlsSettings;
  /** Prefix of every subject, stream and bucket name; '' for the plain names (`SWITCHBOARD_NAMESPACE`). */
  readonly namespace: string;
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
 * Picks the OTEL_* variables out of a whole environment: OpenTelemetry's own names, passed through
 * to startTracing rather than re-declared here.
 */
function pickOtelVariables(environment: Environment): Readonly<Record<string, string>> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (name.startsWith('OTEL_') && value !== undefined) picked[name] = value;
  }
  return Object.freeze(picked);
}

type ParsedSecurity = ParsedConfig<typeof natsSecurityVariables> & ParsedConfig<typeof grpcTlsVariables>;

/**
 * Picks the common settings out of values parsed with {@link serviceVariables}, plus the OTEL_*
 * variables of `environment`.
 */
export function readServiceConfig(
  values: ParsedSecurity & {
    NATS_URL: string;
    NATS_STREAM_REPLICAS: number;
    SWITCHBOARD_NAMESPACE: string;
    METRICS_HOST: string;
    METRICS_PORT: number;
    LOG_LEVEL: LogLevel;
  },
  environment: Environment,
): ServiceConfig {
  const [nats, grpcTls] = readAll(
    () => readNatsSettings(values.NATS_URL, values),
    () => readGrpcTlsSettings(values),
  );
  return {
    natsUrl: values.NATS_URL,
    nats,
    natsStreamReplicas: values.NATS_STREAM_REPLICAS,
    grpcTls,
    namespace: values.SWITCHBOARD_NAMESPACE,
    metricsHost: values.METRICS_HOST,
    metricsPort: values.METRICS_PORT,
    logLevel: values.LOG_LEVEL,
    otelEnvironment: pickOtelVariables(environment),
  };
}

/** Runs both readers and reports the problems of both at once, so the operator fixes them in one go. */
function readAll<A, B>(first: () => A, second: () => B): [A, B] {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const results = [attempt(first), attempt(second)] as [A, B];
  if (problems.length > 0) throw new ConfigError(problems);
  return results;
}
