import { describe, expect, it } from 'vitest';
import { readTracingSettings } from './read-tracing-settings.js';
import type { TracingEnvironment } from './tracing-environment.js';

function read(environment: TracingEnvironment) {
  const warnings: string[] = [];
  return { settings: readTracingSettings(environment, 'router', warnings), warnings };
}

describe('readTracingSettings', () => {
  it('exports nothing and samples parent-based when no variable is set', () => {
    const { settings, warnings } = read({});

    expect(settings).toMatchObject({
      disabled: false,
      serviceName: 'router',
      exporters: [],
      sampler: 'parentbased_always_on',
    });
    expect(warnings).toEqual([]);
  });

  it('lets OTEL_SERVICE_NAME win over service.name in OTEL_RESOURCE_ATTRIBUTES and keeps the other attributes', () => {
    const { settings } = read({
      OTEL_SERVICE_NAME: 'edge-router',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,deployment.environment.name=prod%20eu',
    });

    expect(settings.serviceName).toBe('edge-router');
    expect(settings.resourceAttributes).toEqual({ 'deployment.environment.name': 'prod eu' });
  });

  it('sends OTLP to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces unless the traces endpoint is set', () => {
    const base = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' };

    expect(read(base).settings.otlp.url).toBe('http://collector:4318/v1/traces');
    expect(
      read({ ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/ingest' }).settings.otlp
        .url,
    ).toBe('https://traces.example/ingest');
  });

  it('reads OTLP headers and timeout, the traces-specific variables first', () => {
    const { settings } = read({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-generic=1',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Bearer%20abc,x-team=ml',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    });

    expect(settings.otlp.headers).toEqual({ authorization: 'Bearer abc', 'x-team': 'ml' });
    expect(settings.otlp.timeoutMs).toBe(2500);
  });

  it('reads the ratio samplers and their argument', () => {
    const { settings } = read({
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });

    expect(settings).toMatchObject({
      exporters: ['console'],
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
  });

  it('falls back to defaults with a warning naming each malformed variable, never throwing', () => {
    const { settings, warnings } = read({
      OTEL_SDK_DISABLED: 'maybe',
      OTEL_TRACES_EXPORTER: 'otlp,zipkin',
      OTEL_TRACES_SAMPLER: 'jaeger_remote',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_TIMEOUT: 'soon',
      OTEL_RESOURCE_ATTRIBUTES: 'team',
    });

    expect(settings).toMatchObject({
      disabled: false,
      exporters: ['otlp'],
      sampler: 'parentbased_always_on',
      otlp: { url: 'http://localhost:4318/v1/traces', timeoutMs: 10_000 },
    });
    for (const name of [
      'OTEL_SDK_DISABLED',
      'OTEL_TRACES_EXPORTER',
      'OTEL_TRACES_SAMPLER',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'OTEL_EXPORTER_OTLP_TIMEOUT',
      'OTEL_RESOURCE_ATTRIBUTES',
    ]) {
      expect(
        warnings.some((warning) => warning.startsWith(name)),
        name,
      ).toBe(true);
    }
  });

  it('never repeats a header value in a warning, since header values are often credentials', () => {
    const { warnings } = read({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=secret%zz',
    });

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('secret');
  });
});
