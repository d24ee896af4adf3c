import { createServer } from 'node:net';
import { createLogger } from '@switchboard/logging';
import { scrapeMetrics } from '@switchboard/testkit';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './create-metrics-registry.js';
import { startMetricsServer } from './start-metrics-server.js';
import type { RunningMetricsServer } from './start-metrics-server.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const running: RunningMetricsServer[] = [];

/** Starts a server on `port` (a free one by default), stopped after the test; resolves with its port. */
async function serve(registry: Registry, port = 0): Promise<number> {
  const server = await startMetricsServer({ host: '127.0.0.1', port, registry, logger });
  running.push(server);
  return server.port;
}

const urlOf = (port: number) => `http://127.0.0.1:${port}`;

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

describe('startMetricsServer', () => {
  it('serves the registry at GET /metrics in the Prometheus text format', async () => {
    const registry = createMetricsRegistry('test');
    new Counter({ name: 'test_jobs_total', help: 'jobs', labelNames: ['model'], registers: [registry] })
      .labels('tiny')
      .inc(3);
    const scrape = await scrapeMetrics(await serve(registry));

    expect(scrape.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(scrape.family('test_jobs_total')).toMatchObject({
      type: 'COUNTER',
      metrics: [{ value: '3', labels: { model: 'tiny' } }],
    });
    expect(scrape.family('switchboard_service_info').metrics).toEqual([
      { value: '1', labels: { service: 'test' } },
    ]);
    // prom-client's default process metrics, under their standard unprefixed names.
    expect(scrape.family('process_cpu_seconds_total').type).toBe('COUNTER');
    expect(scrape.family('nodejs_heap_size_used_bytes').type).toBe('GAUGE');
  });

  it('ignores the query string and answers HEAD without a body', async () => {
    const url = urlOf(await serve(createMetricsRegistry('test')));
    expect((await fetch(`${url}/metrics?name[]=up`)).status).toBe(200);
    const head = await fetch(`${url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 404 on other paths and 405 with Allow on other methods', async () => {
    const url = urlOf(await serve(createMetricsRegistry('test')));
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/metrics/extra`)).status).toBe(404);
    const post = await fetch(`${url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 500 while a collector throws and serves again once it recovers', async () => {
    const registry = createMetricsRegistry('test');
    let broken = true;
    new Gauge({
      name: 'test_flaky',
      help: 'fails while broken',
      registers: [registry],
      collect() {
        if (broken) throw new Error('database gone');
        this.set(1);
      },
    });
    const url = urlOf(await serve(registry));
    expect((await fetch(`${url}/metrics`)).status).toBe(500);
    broken = false;
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it('frees its port on stop even while a scraper holds a keep-alive connection, and stops idempotently', async () => {
    const server = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      registry: createMetricsRegistry('test'),
      logger,
    });
    // fetch keeps the connection open in its pool, as Prometheus does between scrapes.
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(200);
    const stoppedAt = performance.now();
    const first = server.stop();
    expect(server.stop()).toBe(first);
    await first;
    // Waiting for the idle connection to time out would take Node's 5 s keep-alive timeout.
    expect(performance.now() - stoppedAt).toBeLessThan(1_000);
    expect(await serve(createMetricsRegistry('test'), server.port)).toBe(server.port);
  });

  it('fails to start with the address in the message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(
        startMetricsServer({ host: '127.0.0.1', port, registry: createMetricsRegistry('test'), logger }),
      ).rejects.toThrow(`metrics server could not listen on 127.0.0.1:${port}`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
