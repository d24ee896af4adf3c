import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTracing } from './start-tracing.js';
import type { RunningTracing, TracingOptions } from './start-tracing.js';
import { traceparentOf } from './trace-context.js';

interface ReceivedRequest {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in OTLP/HTTP collector on a free loopback port that keeps what it receives. */
async function startCollector(): Promise<{ server: Server; url: string; received: ReceivedRequest[] }> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('startTracing', () => {
  const warnings: string[] = [];
  const started: RunningTracing[] = [];
  const start = (environment: TracingOptions['environment']) => {
    const tracing = startTracing({
      serviceName: 'tracing-test',
      environment,
      logger: { warn: (_details, message) => warnings.push(message) },
    });
    started.push(tracing);
    return tracing;
  };

  afterEach(async () => {
    for (const tracing of started.splice(0)) await tracing.shutdown();
    warnings.length = 0;
  });

  it('registers nothing without an exporter or under OTEL_SDK_DISABLED=true, so spans are no-ops', () => {
    for (const environment of [
      {},
      { OTEL_TRACES_EXPORTER: 'none' },
      { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' },
    ]) {
      const tracing = start(environment);
      tracing.tracer.startActiveSpan('operation', (span) => {
        expect(span.isRecording()).toBe(false);
        expect(traceparentOf()).toBe('');
        span.end();
      });
    }
    expect(warnings).toEqual([]);
  });

  it('registers a provider once an exporter is configured, with the sampler OTEL_TRACES_SAMPLER names', () => {
    const tracing = start({ OTEL_TRACES_EXPORTER: 'console', OTEL_TRACES_SAMPLER: 'always_off' });
    tracing.tracer.startActiveSpan('unsampled', (span) => {
      expect(span.isRecording()).toBe(false);
      expect(traceparentOf()).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      span.end();
    });
  });

  it('exports spans as OTLP/HTTP JSON to the configured endpoint, with the configured headers', async () => {
    const collector = await startCollector();
    try {
      const tracing = start({
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-team=ml',
      });
      tracing.tracer.startSpan('queue job').end();
      await tracing.shutdown();

      expect(collector.received).toHaveLength(1);
      const [request] = collector.received;
      expect(request?.url).toBe('/v1/traces');
      expect(request?.headers['x-team']).toBe('ml');
      expect(request?.body).toContain('"queue job"');
      expect(request?.body).toContain('"tracing-test"');
    } finally {
      collector.server.close();
    }
  });

  it('warns instead of failing when the collector is unreachable at shutdown', async () => {
    const collector = await startCollector();
    await new Promise((resolve) => collector.server.close(resolve));
    const tracing = start({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
    });
    tracing.tracer.startSpan('lost operation').end();

    await expect(tracing.shutdown()).resolves.toBeUndefined();
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('keeps the provider already registered in the process and says so', () => {
    start({ OTEL_TRACES_EXPORTER: 'console', OTEL_TRACES_SAMPLER: 'always_off' });
    const second = start({ OTEL_TRACES_EXPORTER: 'console' });

    expect(warnings).toContain('a tracer provider is already registered in this process; keeping it');
    second.tracer.startActiveSpan('operation', (span) => {
      expect(span.isRecording()).toBe(false);
      span.end();
    });
  });
});
