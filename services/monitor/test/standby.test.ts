import { StatsWindow } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerNames } from './load-sources.js';
import { createMonitorTestBed, startMonitorInProcess } from './monitor-test-bed.js';
import type { InProcessMonitor, MonitorTestBed } from './monitor-test-bed.js';
import { generateRequests, seededRandom } from './telemetry-records.js';

describe('a second monitor on the same namespace', () => {
  let bed: MonitorTestBed;
  const running: InProcessMonitor[] = [];

  beforeAll(async () => {
    bed = await createMonitorTestBed('standby');
    await registerNames(bed, { models: ['m'], tenants: ['t'] });
  });

  afterAll(async () => {
    await Promise.all(running.map((monitor) => monitor.stop()));
    await bed?.close();
  });

  it('stands by while the first counts, then takes over with its totals', async () => {
    const first = await startMonitorInProcess(bed);
    running.push(first);
    const records = generateRequests(100, seededRandom(3), {
      model: 'm',
      version: '1',
      route: '',
      tenant: 't',
      atUnixMs: () => BigInt(Date.now()),
    });
    await bed.publishRequests(records);
    const countOf = async (monitor: InProcessMonitor) =>
      (await monitor.client.getStats({ window: StatsWindow.SINCE_START })).requests[0]?.count;
    await waitFor(async () => (await countOf(first)) === 100n, { message: 'the first monitor counting' });

    let secondStarted = false;
    const second = startMonitorInProcess(bed).then((monitor) => {
      secondStarted = true;
      running.push(monitor);
      return monitor;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(secondStarted).toBe(false);

    await first.stop();
    running.splice(running.indexOf(first), 1);
    const successor = await second;
    expect(await countOf(successor)).toBe(100n);
  });
});
