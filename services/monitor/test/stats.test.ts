import { StatsWindow } from '@switchboard/protocol';
import type { GetStatsResponse, RequestRecord, RequestStats } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerNames } from './load-sources.js';
import { createMonitorTestBed, startMonitorInProcess } from './monitor-test-bed.js';
import type { InProcessMonitor, MonitorTestBed } from './monitor-test-bed.js';
import {
  batchRecord,
  exactPercentile,
  exactRequestFigures,
  generateRequests,
  seededRandom,
} from './telemetry-records.js';

/**
 * HDR keeps 3 significant digits and reports the top of a value's bucket: a reported percentile is
 * at least the exact one and at most 0.1 % above it (plus 1 µs of rounding to whole microseconds).
 */
const RELATIVE_PRECISION = 1e-3;

function expectWithinPrecision(reported: number, exact: number): void {
  expect(reported).toBeGreaterThanOrEqual(exact - 0.001);
  expect(reported).toBeLessThanOrEqual(exact * (1 + RELATIVE_PRECISION) + 0.001);
}

/** Asserts the monitor's figures for a group against the figures computed from the raw records. */
function expectFiguresOf(stats: RequestStats | undefined, records: readonly RequestRecord[]): void {
  const exact = exactRequestFigures(records);
  expect(stats).toBeDefined();
  expect(Number(stats?.count)).toBe(exact.count);
  expect(Number(stats?.errors)).toBe(exact.errors);
  expect(
    Object.fromEntries(
      Object.entries(stats?.statusCounts ?? {}).map(([name, count]) => [name, Number(count)]),
    ),
  ).toEqual(exact.statusCounts);
  expectWithinPrecision(stats?.latencyP50Ms ?? -1, exact.p50Ms);
  expectWithinPrecision(stats?.latencyP95Ms ?? -1, exact.p95Ms);
  expectWithinPrecision(stats?.latencyP99Ms ?? -1, exact.p99Ms);
  expect(stats?.latencyMaxMs).toBe(exact.maxMs);
  expect(stats?.totalCostMicros).toBeCloseTo(exact.totalCostMicros, 6);
  expect(stats?.costPerRequestMicros).toBeCloseTo(exact.totalCostMicros / exact.count, 6);
}

describe('monitor statistics', () => {
  let bed: MonitorTestBed;
  let running: InProcessMonitor;
  const now = Date.now();
  const random = seededRandom(42);
  const recent = (spreadMs: number) => () => BigInt(now - Math.floor(random() * spreadMs));
  // small/classify/acme: all within the last 5 s. large/-/beta: recent, 3 min old and 10 min old.
  const small = generateRequests(400, random, {
    model: 'small',
    version: '1',
    route: 'classify',
    tenant: 'acme',
    atUnixMs: recent(5_000),
  });
  const large = { model: 'large', version: '2', route: '', tenant: 'beta' };
  const largeRecent = generateRequests(120, random, { ...large, atUnixMs: recent(5_000) });
  const largeThreeMinutes = generateRequests(60, random, { ...large, atUnixMs: () => BigInt(now - 180_000) });
  const largeTenMinutes = generateRequests(30, random, { ...large, atUnixMs: () => BigInt(now - 600_000) });
  const batches = Array.from({ length: 50 }, (_, index) =>
    batchRecord({
      model: 'small',
      version: '1',
      size: 1 + (index % 8),
      executeUs: BigInt(1_000 + index * 137),
      utilisation: (index % 10) / 10,
      atUnixMs: BigInt(now - 1_000),
    }),
  );

  beforeAll(async () => {
    bed = await createMonitorTestBed('stats');
    await registerNames(bed, {
      models: ['small', { name: 'large', versions: 2 }],
      routes: ['classify'],
      tenants: ['acme', 'beta'],
    });
    running = await startMonitorInProcess(bed);
    await bed.publishRequests([...small, ...largeRecent, ...largeThreeMinutes, ...largeTenMinutes]);
    await bed.publishBatches(batches);
    await waitFor(
      async () => {
        const { requests } = await running.client.getStats({ window: StatsWindow.SINCE_START });
        return requests.reduce((sum, stats) => sum + Number(stats.count), 0) === 610;
      },
      { message: 'every record counted' },
    );
  });

  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  const find = (response: GetStatsResponse, model: string) =>
    response.requests.find((stats) => stats.model === model);

  it('reports the exact counts, errors and cost and percentiles within 0.1 % over one minute', async () => {
    const response = await running.client.getStats({ window: StatsWindow.ONE_MINUTE });
    expect(response.window).toBe(StatsWindow.ONE_MINUTE);
    expect(response.requests.map((stats) => stats.model)).toEqual(['large', 'small']);
    expectFiguresOf(find(response, 'small'), small);
    expectFiguresOf(find(response, 'large'), largeRecent);
    expect(find(response, 'small')).toMatchObject({ version: '1', route: 'classify', tenant: 'acme' });
  });

  it('counts records in the window their own timestamp falls in, not when they arrived', async () => {
    const fiveMinutes = await running.client.getStats({ window: StatsWindow.FIVE_MINUTES, model: 'large' });
    expectFiguresOf(find(fiveMinutes, 'large'), [...largeRecent, ...largeThreeMinutes]);
    const sinceStart = await running.client.getStats({ window: StatsWindow.SINCE_START, model: 'large' });
    expectFiguresOf(find(sinceStart, 'large'), [...largeRecent, ...largeThreeMinutes, ...largeTenMinutes]);
  });

  it('divides by the time covered: the window, or the time since the first record when that is shorter', async () => {
    const oneMinute = await running.client.getStats({ window: StatsWindow.ONE_MINUTE, model: 'small' });
    const atMs = Number(oneMinute.atUnixMs);
    const windowStartMs = (Math.floor(atMs / 10_000) - 5) * 10_000;
    expect(find(oneMinute, 'small')?.throughputPerSecond).toBeCloseTo(
      (400 * 1_000) / (atMs - windowStartMs),
      6,
    );
    const sinceStart = await running.client.getStats({ window: StatsWindow.SINCE_START, model: 'small' });
    const firstRecordAtMs = Math.min(...largeTenMinutes.map((record) => Number(record.atUnixMs)));
    expect(find(sinceStart, 'small')?.throughputPerSecond).toBeCloseTo(
      (400 * 1_000) / (Number(sinceStart.atUnixMs) - firstRecordAtMs),
      6,
    );
  });

  it('filters by model, route and tenant', async () => {
    const byRoute = await running.client.getStats({ route: 'classify' });
    expect(byRoute.requests.map((stats) => stats.model)).toEqual(['small']);
    const byTenant = await running.client.getStats({ tenant: 'beta' });
    expect(byTenant.requests.map((stats) => stats.model)).toEqual(['large']);
    const none = await running.client.getStats({ model: 'small', tenant: 'beta' });
    expect(none.requests).toEqual([]);
  });

  it('reports batch sizes, execute percentiles and utilisation per model', async () => {
    const { batches: stats } = await running.client.getStats({ window: StatsWindow.ONE_MINUTE });
    expect(stats).toHaveLength(1);
    const executeMs = batches.map((batch) => Number(batch.executeUs) / 1_000).sort((a, b) => a - b);
    const items = batches.reduce((sum, batch) => sum + batch.size, 0);
    expect(stats[0]).toMatchObject({ model: 'small', batches: 50n, items: BigInt(items) });
    expect(stats[0]?.meanBatchSize).toBeCloseTo(items / 50, 9);
    expect(stats[0]?.sizeCounts).toEqual({ 1: 7n, 2: 7n, 3: 6n, 4: 6n, 5: 6n, 6: 6n, 7: 6n, 8: 6n });
    expectWithinPrecision(stats[0]?.executeP50Ms ?? -1, exactPercentile(executeMs, 50));
    expectWithinPrecision(stats[0]?.executeP99Ms ?? -1, exactPercentile(executeMs, 99));
    expect(stats[0]?.utilisation).toBeCloseTo(
      batches.reduce((sum, batch) => sum + batch.utilisation, 0) / 50,
      9,
    );
  });

  it('refuses a window it does not know with INVALID_ARGUMENT', async () => {
    await expect(running.client.getStats({ window: 9 as StatsWindow })).rejects.toMatchObject({
      code: 3,
      details: expect.stringContaining('unknown stats window 9'),
    });
  });
});
