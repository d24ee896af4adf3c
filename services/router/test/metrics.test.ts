import { readFileSync } from 'node:fs';
import { classifierSpec, syntheticSpec } from '@switchboard/models/testing';
import { scrapeMetrics } from '@switchboard/testkit';
import type { MetricsScrape } from '@switchboard/testkit';
import type { RunningWorker } from '@switchboard/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const VIA_ROUTE = 5;
const DIRECT = 3;
const ANSWERED = VIA_ROUTE + DIRECT;
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

const features = (model: string, datatype = 'FP32') => ({
  model_name: model,
  inputs: [
    datatype === 'FP32'
      ? { name: 'features', datatype, shape: [1, 4], contents: { fp32_contents: [0.3, -1.2, 0.8, 0.05] } }
      : { name: 'features', datatype, shape: [1, 4], contents: { fp64_contents: [0.3, -1.2, 0.8, 0.05] } },
  ],
});

/** Sends traffic with known outcomes through the router so every count below is exact. */
async function sendTraffic(system: TestSystem): Promise<void> {
  for (let index = 0; index < VIA_ROUTE; index += 1)
    await system.oip.call('ModelInfer', features('classify'));
  for (let index = 0; index < DIRECT; index += 1)
    await system.oip.call('ModelInfer', features('classifier-small'));
  const failures = [features('no-such-model'), features('classifier-small', 'FP64'), features('broken')].map(
    (request) => system.oip.call('ModelInfer', request, { timeoutMs: 10_000 }).catch(() => undefined),
  );
  await Promise.all(failures);
  await system.registry.getModel({ name: 'never-registered' }).catch(() => undefined);
}

/** The metric table of libs/metrics/README.md: the `switchboard_` families each service documents, with their types. */
function documentedFamilies(service: string): Record<string, string> {
  const readme = readFileSync(new URL('../../../libs/metrics/README.md', import.meta.url), 'utf8');
  const rows = readme.matchAll(
    /^\| `(switchboard_[a-z_]+)` +\| (counter|gauge|histogram) +\|[^|]*\| (\w+) /gm,
  );
  return Object.fromEntries(
    [...rows]
      .filter(([, , , owner]) => owner === service || owner === 'all')
      .map(([, name = '', type = '']) => [name, type.toUpperCase()]),
  );
}

function exportedFamilies(scrape: MetricsScrape): Record<string, string> {
  return Object.fromEntries(
    [...scrape.families.values()]
      .filter((family) => family.name.startsWith('switchboard_'))
      .map((family) => [family.name, family.type]),
  );
}

function expectHistogram(
  scrape: MetricsScrape,
  name: string,
  labels: Record<string, string>,
  count: number,
): void {
  expect(scrape.family(name).type).toBe('HISTOGRAM');
  const series = scrape.histogram(name, labels);
  expect(series.count).toBe(count);
  expect(series.buckets.get('+Inf')).toBe(count);
  expect(series.sum).toBeGreaterThan(0);
  // Cumulative buckets never decrease.
  const counts = [...series.buckets.values()];
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
}

describe('Prometheus metrics of router, worker and registry', () => {
  let system: TestSystem;
  let worker: RunningWorker;

  beforeAll(async () => {
    system = await startTestSystem('metrics');
    await system.registry.registerModel({ model: classifierSpec('classifier-small') });
    await system.registry.registerModel({ model: syntheticSpec('broken', { failure_rate: '1' }) });
    await system.registry.putRoute({
      route: { name: 'classify', candidates: [{ model: 'classifier-small' }] },
    });
    worker = await system.startWorker(['classifier-small', 'broken'], { WORKER_MAX_ATTEMPTS: '2' });
    await system.waitUntilReady('classifier-small');
    await system.waitUntilReady('broken');
    await sendTraffic(system);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('counts router requests by model, route and status name, with latency only for answered ones', async () => {
    const scrape = await scrapeMetrics(system.metricsPorts.router);
    const requests = (model: string, route: string, code: string) =>
      scrape.value('switchboard_inference_requests_total', { model, route, code });

    expect(scrape.contentType).toBe(PROMETHEUS_TEXT);
    expect(scrape.family('switchboard_inference_requests_total').type).toBe('COUNTER');
    expect(requests('classifier-small', 'classify', 'OK')).toBe(VIA_ROUTE);
    expect(requests('classifier-small', '', 'OK')).toBe(DIRECT);
    expect(requests('classifier-small', '', 'INVALID_ARGUMENT')).toBe(1);
    expect(requests('broken', '', 'UNAVAILABLE')).toBe(1);
    // A name nobody registered must not become a label value of its own.
    expect(requests('(unknown)', '', 'NOT_FOUND')).toBe(1);
    const labels = { model: 'classifier-small', route: 'classify' };
    expectHistogram(scrape, 'switchboard_inference_request_duration_seconds', labels, VIA_ROUTE);
    expectHistogram(
      scrape,
      'switchboard_inference_request_duration_seconds',
      { ...labels, route: '' },
      DIRECT,
    );
    expect(() =>
      scrape.histogram('switchboard_inference_request_duration_seconds', { model: 'broken', route: '' }),
    ).toThrow();
    expectHistogram(
      scrape,
      'switchboard_inference_queue_duration_seconds',
      { model: 'classifier-small' },
      ANSWERED,
    );
    expectHistogram(
      scrape,
      'switchboard_inference_compute_duration_seconds',
      { model: 'classifier-small' },
      ANSWERED,
    );
    expect(scrape.value('switchboard_inference_requests_in_flight')).toBe(0);
    expect(scrape.family('switchboard_inference_cost_dollars_total').type).toBe('COUNTER');
    const perCallDollars = Number(classifierSpec('classifier-small').costPerCallMicros) / 1e6;
    expect(scrape.value('switchboard_inference_cost_dollars_total', labels)).toBeCloseTo(
      VIA_ROUTE * perCallDollars,
      9,
    );
    expect(scrape.family('process_cpu_seconds_total').type).toBe('COUNTER');
    expect(scrape.value('switchboard_service_info', { service: 'router' })).toBe(1);
  });

  it('counts worker batches, job outcomes and the load of each hosted model', async () => {
    const scrape = await scrapeMetrics(worker.metricsPort);
    const jobs = (model: string, outcome: string) =>
      scrape.value('switchboard_worker_jobs_total', { model, outcome });
    const small = { model: 'classifier-small' };

    expect(scrape.contentType).toBe(PROMETHEUS_TEXT);
    expect(jobs('classifier-small', 'ok')).toBe(ANSWERED);
    expect(jobs('broken', 'retried')).toBe(1);
    expect(jobs('broken', 'dead_lettered')).toBe(1);
    const batches = scrape.value('switchboard_worker_batches_total', small);
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(ANSWERED);
    expect(scrape.value('switchboard_worker_batches_total', { model: 'broken' })).toBe(2);
    const sizes = scrape.histogram('switchboard_worker_batch_size', small);
    expect(sizes.count).toBe(batches);
    expect(sizes.sum).toBe(ANSWERED);
    expect([...sizes.buckets.keys()]).toEqual(['1', '2', '4', '8', '16', '32', '64', '128', '+Inf']);
    expectHistogram(scrape, 'switchboard_worker_batch_execute_duration_seconds', small, batches);
    expect(scrape.value('switchboard_worker_busy_seconds_total', small)).toBeGreaterThan(0);
    const utilisation = scrape.value('switchboard_worker_utilisation_ratio', small);
    expect(utilisation).toBeGreaterThan(0);
    expect(utilisation).toBeLessThanOrEqual(1);
    expect(scrape.value('switchboard_worker_model_memory_bytes', small)).toBeGreaterThan(0);
    expect(scrape.value('switchboard_worker_jobs_held', small)).toBe(0);
    expect(scrape.value('switchboard_service_info', { service: 'worker' })).toBe(1);
  });

  it('counts registry admin calls by method and code and reports how many models and routes exist', async () => {
    const scrape = await scrapeMetrics(system.metricsPorts.registry);
    const calls = (method: string, code: string) =>
      scrape.value('switchboard_registry_admin_requests_total', { method, code });

    expect(scrape.contentType).toBe(PROMETHEUS_TEXT);
    expect(calls('RegisterModel', 'OK')).toBe(2);
    expect(calls('PutRoute', 'OK')).toBe(1);
    expect(calls('GetModel', 'NOT_FOUND')).toBe(1);
    expect(scrape.family('switchboard_registry_models').type).toBe('GAUGE');
    expect(scrape.value('switchboard_registry_models')).toBe(2);
    expect(scrape.value('switchboard_registry_routes')).toBe(1);
    expect(scrape.value('switchboard_service_info', { service: 'registry' })).toBe(1);
  });

  it('exports exactly the switchboard_ metric families libs/metrics/README.md documents, with their types', async () => {
    const ports = {
      router: system.metricsPorts.router,
      worker: worker.metricsPort,
      registry: system.metricsPorts.registry,
    };
    for (const [service, port] of Object.entries(ports)) {
      expect(exportedFamilies(await scrapeMetrics(port)), service).toEqual(documentedFamilies(service));
    }
  });
});
