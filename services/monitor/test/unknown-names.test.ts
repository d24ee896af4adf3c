import { toBinary } from '@bufbuild/protobuf';
import { RequestRecordSchema, StatsWindow, UNKNOWN_NAME } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerNames } from './load-sources.js';
import { createMonitorTestBed, startMonitorInProcess } from './monitor-test-bed.js';
import type { InProcessMonitor, MonitorTestBed } from './monitor-test-bed.js';
import { requestRecord } from './telemetry-records.js';

/** Names no registry would accept: whitespace, control characters, dots, wildcards, unicode, length. */
const HOSTILE_NAMES = ['has space', 'line\nbreak', 'a.b.c', '*', '>', 'ÜnïcødÉ', 'x'.repeat(10_000), ''];
const MAX_GROUPS = 10;

describe('names the registry does not know', () => {
  let bed: MonitorTestBed;
  let running: InProcessMonitor;
  const nowMs = Date.now();

  beforeAll(async () => {
    bed = await createMonitorTestBed('unknown');
    const known = Array.from({ length: 3 * MAX_GROUPS }, (_, index) => `known-${index}`);
    await registerNames(bed, { models: ['served', ...known], routes: ['classify'], tenants: ['acme'] });
    running = await startMonitorInProcess(bed, { MONITOR_MAX_GROUPS: String(MAX_GROUPS) });
  });

  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  const statsOf = async (model: string) =>
    (await running.client.getStats({ window: StatsWindow.SINCE_START, model })).requests;

  it('counts records of unknown models, versions, routes and tenants under one (unknown) name each', async () => {
    // Published straight on the stream, as any NATS client could: nothing upstream cleaned them.
    const records = Array.from({ length: 2_000 }, (_, index) =>
      requestRecord({
        model: `${HOSTILE_NAMES[index % HOSTILE_NAMES.length]}-${index}`,
        route: `route-${index}`,
        tenant: `tenant-${index}`,
        latencyUs: 1_000n,
        atUnixMs: BigInt(nowMs),
      }),
    );
    const known = requestRecord({
      model: 'served',
      version: '7',
      route: 'nowhere',
      tenant: 'stranger',
      latencyUs: 1_000n,
      atUnixMs: BigInt(nowMs),
    });
    const subject = bed.names.telemetryRequestSubject(UNKNOWN_NAME);
    await Promise.all(
      [...records, known].map((record) =>
        bed.jetstream.publish(subject, toBinary(RequestRecordSchema, record)),
      ),
    );

    await waitFor(async () => Number((await statsOf(UNKNOWN_NAME))[0]?.count ?? 0) === 2_000, {
      message: 'the unknown records counted',
    });
    expect(await statsOf(UNKNOWN_NAME)).toEqual([
      expect.objectContaining({
        model: UNKNOWN_NAME,
        version: '',
        route: UNKNOWN_NAME,
        tenant: UNKNOWN_NAME,
      }),
    ]);
    expect(await statsOf('served')).toEqual([
      expect.objectContaining({
        model: 'served',
        version: UNKNOWN_NAME,
        route: UNKNOWN_NAME,
        tenant: UNKNOWN_NAME,
      }),
    ]);
  });

  it('keeps at most MONITOR_MAX_GROUPS groups and counts the rest together under (other)', async () => {
    const records = Array.from({ length: 3 * MAX_GROUPS }, (_, index) =>
      requestRecord({
        model: `known-${index}`,
        version: '1',
        tenant: 'acme',
        latencyUs: 2_000n,
        atUnixMs: BigInt(nowMs),
      }),
    );
    await bed.publishRequests(records);

    await waitFor(
      async () => {
        const { requests } = await running.client.getStats({ window: StatsWindow.SINCE_START });
        return requests.reduce((sum, stats) => sum + Number(stats.count), 0) === 2_001 + records.length;
      },
      { message: 'every record counted' },
    );
    const { requests } = await running.client.getStats({ window: StatsWindow.SINCE_START });
    expect(requests.length).toBeLessThanOrEqual(MAX_GROUPS + 1);
    const other = requests.find((stats) => stats.model === '(other)');
    const counted = requests.filter((stats) => stats.model.startsWith('known-')).length;
    expect(Number(other?.count)).toBe(records.length - counted);
  });
});
