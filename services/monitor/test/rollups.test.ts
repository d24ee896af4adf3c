import type { RequestRecord } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerNames } from './load-sources.js';
import { createMonitorTestBed, startMonitorInProcess } from './monitor-test-bed.js';
import type { InProcessMonitor, MonitorTestBed } from './monitor-test-bed.js';
import { exactRequestFigures, generateRequests, requestRecord, seededRandom } from './telemetry-records.js';

const MINUTE_MS = 60_000;

interface RollupRow {
  minute: Date;
  model: string;
  version: string;
  route: string;
  tenant: string;
  count: string;
  errors: string;
  status_counts: Record<string, number>;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  cost_micros: number;
}

describe('per-minute rollups', () => {
  let bed: MonitorTestBed;
  let running: InProcessMonitor;
  const random = seededRandom(99);
  const currentMinute = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const [older, newer] = [currentMinute - 3 * MINUTE_MS, currentMinute - 2 * MINUTE_MS];
  const within = (minute: number) => () => BigInt(minute + Math.floor(random() * MINUTE_MS));
  const group = { model: 'm', version: '1', route: 'r', tenant: 't' };
  const olderRecords = generateRequests(300, random, { ...group, atUnixMs: within(older) });
  const newerRecords = generateRequests(200, random, { ...group, atUnixMs: within(newer) });
  const otherTenant = generateRequests(50, random, { ...group, tenant: 'u', atUnixMs: within(newer) });
  const current = generateRequests(20, random, { ...group, atUnixMs: () => BigInt(Date.now()) });

  const readRows = () => bed.sql<RollupRow[]>`select * from metric_rollups order by minute, tenant`;

  beforeAll(async () => {
    bed = await createMonitorTestBed('rollups');
    await registerNames(bed, { models: ['m'], routes: ['r'], tenants: ['t', 'u'] });
    running = await startMonitorInProcess(bed);
    await bed.publishRequests([...olderRecords, ...newerRecords, ...otherTenant, ...current]);
    await waitFor(async () => (await readRows()).length === 3, {
      timeoutMs: 10_000,
      message: 'three rollup rows',
    });
  });

  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  function expectRowOf(row: RollupRow | undefined, records: readonly RequestRecord[]): void {
    const exact = exactRequestFigures(records);
    expect(row).toBeDefined();
    expect(Number(row?.count)).toBe(exact.count);
    expect(Number(row?.errors)).toBe(exact.errors);
    expect(row?.status_counts).toEqual(exact.statusCounts);
    for (const [reported, exactMs] of [
      [row?.p50_ms, exact.p50Ms],
      [row?.p95_ms, exact.p95Ms],
      [row?.p99_ms, exact.p99Ms],
    ] as const) {
      expect(reported).toBeGreaterThanOrEqual(exactMs - 0.001);
      expect(reported).toBeLessThanOrEqual(exactMs * 1.001 + 0.001);
    }
    expect(row?.max_ms).toBe(exact.maxMs);
    expect(row?.cost_micros).toBeCloseTo(exact.totalCostMicros, 6);
  }

  it('writes one row per finished minute and group with its counts, percentiles and cost', async () => {
    const rows = await readRows();
    expect(rows.map((row) => [row.minute.getTime(), row.tenant])).toEqual([
      [older, 't'],
      [newer, 't'],
      [newer, 'u'],
    ]);
    expect(rows[0]).toMatchObject({ model: 'm', version: '1', route: 'r' });
    expectRowOf(rows[0], olderRecords);
    expectRowOf(rows[1], newerRecords);
    expectRowOf(rows[2], otherTenant);
  });

  it('leaves the current minute open', async () => {
    const rows = await readRows();
    expect(rows.some((row) => row.minute.getTime() === currentMinute)).toBe(false);
  });

  it('merges a record that arrives after its minute was written into the same row', async () => {
    const late = requestRecord({
      ...group,
      atUnixMs: BigInt(older + 30_000),
      latencyUs: 5_000_000n,
      statusCode: 8,
      costMicros: 7,
    });
    await bed.publishRequests([late]);

    await waitFor(async () => Number((await readRows())[0]?.count) === olderRecords.length + 1, {
      timeoutMs: 10_000,
      message: 'the late record in the row',
    });
    const rows = await readRows();
    expect(rows).toHaveLength(3);
    expectRowOf(rows[0], [...olderRecords, late]);
  });
});
