import { readdirSync } from 'node:fs';
import { scrapeMetrics } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPrometheusRules } from './support/prometheus-rules.js';
import { promqlMetricNames } from './support/promql-metric-names.js';
import { repositoryPath } from './support/repository-path.js';
import { startEveryService } from './support/start-every-service.js';
import type { RunningServices } from './support/start-every-service.js';

/** Series Prometheus makes itself for every scrape target, which no service registers. */
const PROMETHEUS_SERIES = new Set(['up']);

/** Metric families by name, with their type, from every running service's /metrics. */
async function exportedFamilies(services: RunningServices): Promise<Map<string, string>> {
  const families = new Map<string, string>();
  for (const port of Object.values(services.metricsPorts)) {
    const scrape = await scrapeMetrics(port);
    for (const family of scrape.families.values()) families.set(family.name, family.type);
  }
  return families;
}

/** Whether `name` is a series Prometheus stores for a family: itself, or a histogram's _bucket/_sum/_count. */
function isExported(name: string, families: ReadonlyMap<string, string>): boolean {
  const histogram = /^(.+)_(bucket|sum|count)$/.exec(name)?.[1];
  return families.has(name) || (histogram !== undefined && families.get(histogram) === 'HISTOGRAM');
}

describe('metrics the Prometheus rules query', () => {
  let services: RunningServices;

  beforeAll(async () => {
    services = await startEveryService('rulemetrics');
  });

  afterAll(async () => {
    await services?.stop();
  });

  it('scrapes every long-running service in services/', () => {
    const folders = readdirSync(repositoryPath('services')).filter((name) => name !== 'cli');
    expect(Object.keys(services.metricsPorts).sort()).toEqual(folders.sort());
  });

  it('are registered by a running service, made by a recording rule, or made by Prometheus (up)', async () => {
    const families = await exportedFamilies(services);
    expect(families.get('switchboard_inference_requests_total')).toBe('COUNTER');
    const { alerts, records } = readPrometheusRules();
    const recorded = new Set(records.map((rule) => rule.record));
    const used = [...alerts.map((rule) => rule.expr), ...records.map((rule) => rule.expr)].flatMap(
      promqlMetricNames,
    );
    expect(used.length).toBeGreaterThan(20);
    const unknown = [...new Set(used)].filter(
      (name) => !PROMETHEUS_SERIES.has(name) && !recorded.has(name) && !isExported(name, families),
    );
    expect(unknown).toEqual([]);
  });
});
