import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { scrapeMetrics } from './scrape-metrics.js';

/** prom-client's exposition of a few router metrics, one histogram with two labelled series. */
const EXPOSITION = readFileSync(new URL('./__fixtures__/router-metrics.txt', import.meta.url), 'utf8');
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

const servers: Server[] = [];

/** Serves `body` with `status` at every path; resolves with the port. */
async function serve(body: string, status = 200): Promise<number> {
  const server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': PROMETHEUS_TEXT }).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

describe('scrapeMetrics', () => {
  it('reads counters and gauges by their exact label sets', async () => {
    const scrape = await scrapeMetrics(await serve(EXPOSITION));

    expect(scrape.contentType).toBe(PROMETHEUS_TEXT);
    expect(scrape.family('switchboard_inference_requests_total').type).toBe('COUNTER');
    const labels = { model: 'classifier-small', route: 'classify', code: 'OK' };
    expect(scrape.value('switchboard_inference_requests_total', labels)).toBe(3);
    expect(scrape.value('switchboard_inference_requests_in_flight')).toBe(0);
    expect(scrape.labelSets('switchboard_inference_requests_total')).toEqual([
      labels,
      { model: 'broken', route: '', code: 'INTERNAL' },
    ]);
    expect([...scrape.families.keys()]).toHaveLength(3);
  });

  it('reads every labelled series of a histogram', async () => {
    const scrape = await scrapeMetrics(await serve(EXPOSITION));
    const name = 'switchboard_inference_request_duration_seconds';

    expect(scrape.histogram(name, { model: 'classifier-small', route: 'classify' })).toEqual({
      buckets: new Map([
        ['0.005', 1],
        ['0.05', 2],
        ['0.5', 2],
        ['+Inf', 2],
      ]),
      sum: 0.024,
      count: 2,
    });
    expect(scrape.histogram(name, { model: 'broken', route: '' })).toMatchObject({ sum: 0.3, count: 1 });
  });

  it('throws, naming what is missing, for an unknown family or label set', async () => {
    const scrape = await scrapeMetrics(await serve(EXPOSITION));

    expect(() => scrape.family('switchboard_nothing')).toThrow('no metric family switchboard_nothing');
    expect(() => scrape.value('switchboard_inference_requests_total', { model: 'ghost' })).toThrow(
      /no switchboard_inference_requests_total sample with \{"model":"ghost"\}; have \{"model":"classifier-small"/,
    );
    expect(() =>
      scrape.histogram('switchboard_inference_request_duration_seconds', { model: 'ghost' }),
    ).toThrow('no switchboard_inference_request_duration_seconds histogram');
  });

  it('rejects when the endpoint does not answer 200', async () => {
    const port = await serve('collector failed', 500);

    await expect(scrapeMetrics(port)).rejects.toThrow(`GET /metrics on ${port} answered 500`);
  });
});
