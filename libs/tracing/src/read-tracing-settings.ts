import { parseKeyValueList } from './parse-key-value-list.js';
import { readOtlpSettings } from './read-otlp-settings.js';
import type { ResolvedOtlpSettings } from './read-otlp-settings.js';
import { readVariable as read } from './tracing-environment.js';
import type { TracingEnvironment } from './tracing-environment.js';

const EXPORTERS = ['otlp', 'console'] as const;
/** Where finished spans go; none at all means tracing is off. */
export type TraceExporterName = (typeof EXPORTERS)[number];

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
/** The OTEL_TRACES_SAMPLER values this library understands (the spec's, minus jaeger_remote and xray). */
export type SamplerName = (typeof SAMPLERS)[number];

const DEFAULT_SAMPLER: SamplerName = 'parentbased_always_on';
const DEFAULT_RATIO = 1;

/** Tracing settings read from the OTEL_* variables, complete and valid. */
export interface ResolvedTracingSettings {
  /** OTEL_SDK_DISABLED=true: register nothing, whatever the other variables say. */
  disabled: boolean;
  serviceName: string;
  /** From OTEL_RESOURCE_ATTRIBUTES, without service.name (see serviceName). */
  resourceAttributes: Record<string, string>;
  /** Empty when OTEL_TRACES_EXPORTER is unset or `none`: tracing is then off. */
  exporters: TraceExporterName[];
  sampler: SamplerName;
  /** Fraction of root spans sampled by the ratio samplers, 0..1. */
  samplerRatio: number;
  otlp: ResolvedOtlpSettings;
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

function readExporters(environment: TracingEnvironment, warnings: string[]): TraceExporterName[] {
  const names = (read(environment, 'OTEL_TRACES_EXPORTER') ?? 'none')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (names.includes('none')) {
    if (names.length > 1)
      warnings.push('OTEL_TRACES_EXPORTER lists none with other exporters; exporting nothing');
    return [];
  }
  const exporters = new Set<TraceExporterName>();
  for (const name of names) {
    if (isOneOf(EXPORTERS, name)) exporters.add(name);
    else
      warnings.push(
        `OTEL_TRACES_EXPORTER: "${name}" is not supported (use otlp, console or none); ignoring it`,
      );
  }
  return [...exporters];
}

function readSampler(environment: TracingEnvironment, warnings: string[]): SamplerName {
  const value = read(environment, 'OTEL_TRACES_SAMPLER')?.toLowerCase();
  if (value === undefined) return DEFAULT_SAMPLER;
  if (isOneOf(SAMPLERS, value)) return value;
  warnings.push(
    `OTEL_TRACES_SAMPLER=${value} is not supported (example: parentbased_traceidratio); using ${DEFAULT_SAMPLER}`,
  );
  return DEFAULT_SAMPLER;
}

/** OTEL_TRACES_SAMPLER_ARG only means a ratio for the ratio samplers; others may use it differently. */
function readRatio(environment: TracingEnvironment, sampler: SamplerName, warnings: string[]): number {
  const value = read(environment, 'OTEL_TRACES_SAMPLER_ARG');
  if (value === undefined || !sampler.endsWith('traceidratio')) return DEFAULT_RATIO;
  const ratio = Number(value);
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return ratio;
  warnings.push(
    `OTEL_TRACES_SAMPLER_ARG=${value} is not a ratio between 0 and 1 (example: 0.1); using ${DEFAULT_RATIO}`,
  );
  return DEFAULT_RATIO;
}

function readDisabled(environment: TracingEnvironment, warnings: string[]): boolean {
  const value = read(environment, 'OTEL_SDK_DISABLED')?.toLowerCase();
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  warnings.push(`OTEL_SDK_DISABLED=${value} is neither true nor false; tracing stays enabled`);
  return false;
}

/**
 * Reads the standard OTEL_* variables. Never throws: telemetry must not stop a service, so every
 * bad value adds a message to `warnings` and falls back to its default. OTEL_SERVICE_NAME wins
 * over service.name in OTEL_RESOURCE_ATTRIBUTES, which wins over `defaultServiceName`.
 */
export function readTracingSettings(
  environment: TracingEnvironment,
  defaultServiceName: string,
  warnings: string[],
): ResolvedTracingSettings {
  const { 'service.name': resourceServiceName, ...resourceAttributes } = parseKeyValueList(
    read(environment, 'OTEL_RESOURCE_ATTRIBUTES') ?? '',
    'OTEL_RESOURCE_ATTRIBUTES',
    warnings,
  );
  const exporters = readExporters(environment, warnings);
  const sampler = readSampler(environment, warnings);
  return {
    disabled: readDisabled(environment, warnings),
    serviceName: read(environment, 'OTEL_SERVICE_NAME') ?? resourceServiceName ?? defaultServiceName,
    resourceAttributes,
    exporters,
    sampler,
    samplerRatio: readRatio(environment, sampler, warnings),
    otlp: readOtlpSettings(exporters.includes('otlp') ? environment : {}, warnings),
  };
}
