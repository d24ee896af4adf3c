import { parseKeyValueList } from './parse-key-value-list.js';
import { readVariable as read } from './tracing-environment.js';
import type { TracingEnvironment } from './tracing-environment.js';

/** Where and how the OTLP/HTTP exporter sends spans. */
export interface ResolvedOtlpSettings {
  /** Full URL of the traces endpoint, e.g. `http://collector:4318/v1/traces`. */
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** The OTLP default: a collector on this host, OTLP/HTTP port. */
const DEFAULT_TRACES_URL = 'http://localhost:4318/v1/traces';
const TRACES_PATH = 'v1/traces';
const DEFAULT_TIMEOUT_MS = 10_000;
/** The only encoding @opentelemetry/exporter-trace-otlp-http sends. */
const SUPPORTED_PROTOCOL = 'http/json';

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false; // Not a URL at all; the caller warns and falls back.
  }
}

/** The signal-specific variable is used as is; the generic one is a base URL that gets `/v1/traces` (OTLP spec). */
function readUrl(environment: TracingEnvironment, warnings: string[]): string {
  const tracesEndpoint = read(environment, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (tracesEndpoint !== undefined) {
    if (isHttpUrl(tracesEndpoint)) return tracesEndpoint;
    warnings.push(
      `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is not an http(s) URL (example: http://collector:4318/v1/traces); ignoring it`,
    );
  }
  const endpoint = read(environment, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (endpoint === undefined) return DEFAULT_TRACES_URL;
  if (isHttpUrl(endpoint))
    return endpoint.endsWith('/') ? endpoint + TRACES_PATH : `${endpoint}/${TRACES_PATH}`;
  warnings.push(
    `OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL (example: http://collector:4318); using ${DEFAULT_TRACES_URL}`,
  );
  return DEFAULT_TRACES_URL;
}

function readTimeoutMs(environment: TracingEnvironment, warnings: string[]): number {
  const name = read(environment, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT')
    ? 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT'
    : 'OTEL_EXPORTER_OTLP_TIMEOUT';
  const value = read(environment, name);
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const timeoutMs = Number(value);
  if (Number.isInteger(timeoutMs) && timeoutMs > 0) return timeoutMs;
  warnings.push(
    `${name}=${value} is not a positive whole number of milliseconds (example: 10000); using ${DEFAULT_TIMEOUT_MS}`,
  );
  return DEFAULT_TIMEOUT_MS;
}

function checkProtocol(environment: TracingEnvironment, warnings: string[]): void {
  const protocol =
    read(environment, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ??
    read(environment, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol !== undefined && protocol !== SUPPORTED_PROTOCOL) {
    warnings.push(
      `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported; sending ${SUPPORTED_PROTOCOL} (OTLP/HTTP, which collectors accept on the same port as http/protobuf)`,
    );
  }
}

/**
 * Reads the OTLP exporter's endpoint, headers and timeout from the standard variables, the
 * traces-specific ones first. Bad values add a warning and fall back to the OTLP defaults.
 */
export function readOtlpSettings(environment: TracingEnvironment, warnings: string[]): ResolvedOtlpSettings {
  checkProtocol(environment, warnings);
  const headersName = read(environment, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS')
    ? 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'
    : 'OTEL_EXPORTER_OTLP_HEADERS';
  return {
    url: readUrl(environment, warnings),
    headers: parseKeyValueList(read(environment, headersName) ?? '', headersName, warnings),
    timeoutMs: readTimeoutMs(environment, warnings),
  };
}
