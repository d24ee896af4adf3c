import { createGrpcClient } from '@switchboard/grpc';
import { MonitorService, StatsWindow } from '@switchboard/protocol';
import type { RequestRecord } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerNames } from './load-sources.js';
import { createMonitorTestBed } from './monitor-test-bed.js';
import type { MonitorTestBed } from './monitor-test-bed.js';
import { startMonitorProcess } from './monitor-process.js';
import type { MonitorProcess } from './monitor-process.js';
import { exactRequestFigures, generateRequests, seededRandom } from './telemetry-records.js';

const MINUTE_MS = 60_000;

interface Totals {
  count: number;
  errors: number;
  costMicros: number;
}

describe('monitor killed with SIGKILL and restarted', () => {
  let bed: MonitorTestBed;
  const processes: MonitorProcess[] = [];
  const random = seededRandom(7);
  const now = Date.now();
  // Spread over the present and two finished minutes, so rollup rows are written around the crash.
  // Two and three minutes back: finished (grace included) however close to a minute's end the test starts.
  const minutes = [
    Math.floor(now / MINUTE_MS) * MINUTE_MS - 3 * MINUTE_MS,
    Math.floor(now / MINUTE_MS) * MINUTE_MS - 2 * MINUTE_MS,
  ];
  const inMinutes = () => BigInt((minutes[Math.floor(random() * 2)] ?? 0) + Math.floor(random() * MINUTE_MS));
  const group = { model: 'm', version: '1', route: 'r', tenant: 't' };
  const batch = (size: number) => [
    ...generateRequests(size, random, { ...group, atUnixMs: () => BigInt(Date.now()) }),
    ...generateRequests(size, random, { ...group, atUnixMs: inMinutes }),
  ];

  /** Starts a monitor process with a checkpoint period long enough to kill it between two checkpoints. */
  async function startMonitor(): Promise<{ process: MonitorProcess; totals(): Promise<Totals> }> {
    const started = await startMonitorProcess({ ...bed.environment, MONITOR_CHECKPOINT_INTERVAL: '3s' });
    processes.push(started);
    const client = createGrpcClient(MonitorService, `127.0.0.1:${started.port}`);
    const totals = async () => {
      const { requests } = await client.getStats({ window: StatsWindow.SINCE_START });
      return {
        count: requests.reduce((sum, stats) => sum + Number(stats.count), 0),
        errors: requests.reduce((sum, stats) => sum + Number(stats.errors), 0),
        costMicros: requests.reduce((sum, stats) => sum + stats.totalCostMicros, 0),
      };
    };
    void started.exited.finally(() => client.close());
    return { process: started, totals };
  }

  const checkpointedSequence = async () => {
    const rows = await bed.sql<{ last_sequence: string }[]>`select last_sequence from monitor_checkpoints`;
    return Number(rows[0]?.last_sequence ?? 0);
  };

  beforeAll(async () => {
    bed = await createMonitorTestBed('restart');
    await registerNames(bed, { models: ['m'], routes: ['r'], tenants: ['t'] });
  });

  afterAll(async () => {
    for (const started of processes) started.child.kill('SIGKILL');
    await Promise.all(processes.map((started) => started.exited));
    await bed?.close();
  });

  it('loses no record and counts none twice', async () => {
    const sent: RequestRecord[] = [];
    const first = await startMonitor();
    const checkpointed = batch(150);
    await bed.publishRequests(checkpointed);
    sent.push(...checkpointed);
    await waitFor(async () => (await checkpointedSequence()) >= sent.length, {
      timeoutMs: 10_000,
      message: 'a checkpoint',
    });

    const inMemoryOnly = batch(150);
    await bed.publishRequests(inMemoryOnly);
    sent.push(...inMemoryOnly);
    await waitFor(async () => (await first.totals()).count === sent.length, { message: 'records applied' });
    // The scenario under test: counted in memory, not yet checkpointed, when the process dies.
    expect(await checkpointedSequence()).toBeLessThan(sent.length);
    first.process.child.kill('SIGKILL');
    expect(await first.process.exited).toBe('SIGKILL');

    const whileDown = batch(150);
    await bed.publishRequests(whileDown);
    sent.push(...whileDown);
    const second = await startMonitor();

    const exact = exactRequestFigures(sent);
    await waitFor(async () => (await second.totals()).count >= sent.length, {
      timeoutMs: 10_000,
      message: 'replay',
    });
    const totals = await second.totals();
    expect(totals.count).toBe(exact.count);
    expect(totals.errors).toBe(exact.errors);
    expect(totals.costMicros).toBeCloseTo(exact.totalCostMicros, 6);

    second.process.child.kill('SIGTERM');
    expect(await second.process.exited).toBe(0);
    await expectRollupsOf(sent.filter((record) => Number(record.atUnixMs) < (minutes[1] ?? 0) + MINUTE_MS));
  });

  /** Every finished minute is in metric_rollups exactly once, with the counts of its records. */
  async function expectRollupsOf(records: readonly RequestRecord[]): Promise<void> {
    const rows = await bed.sql<{ minute: Date; count: string; errors: string; cost_micros: number }[]>`
      select minute, count, errors, cost_micros from metric_rollups
      where minute < ${new Date((minutes[1] ?? 0) + MINUTE_MS)} order by minute`;
    expect(rows.map((row) => row.minute.getTime())).toEqual(minutes);
    for (const row of rows) {
      const inMinute = records.filter(
        (record) => Math.floor(Number(record.atUnixMs) / MINUTE_MS) * MINUTE_MS === row.minute.getTime(),
      );
      const exact = exactRequestFigures(inMinute);
      expect({ count: Number(row.count), errors: Number(row.errors) }).toEqual({
        count: exact.count,
        errors: exact.errors,
      });
      expect(row.cost_micros).toBeCloseTo(exact.totalCostMicros, 6);
    }
  }
});
