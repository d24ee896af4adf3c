import { fromBinary } from '@bufbuild/protobuf';
import type { Subscription } from '@nats-io/transport-node';
import { ensureStreams } from '@switchboard/nats';
import { LoadSnapshotSchema, WorkerState } from '@switchboard/protocol';
import type { LoadSnapshot, ModelLoad } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitorTestBed, startMonitorInProcess } from './monitor-test-bed.js';
import type { InProcessMonitor, MonitorTestBed } from './monitor-test-bed.js';
import { publishHeartbeat, publishJobs, registerNames, takeJobs } from './load-sources.js';
import { batchRecord, requestRecord } from './telemetry-records.js';

const QUEUED_JOBS = 25;

describe('load snapshot', () => {
  let bed: MonitorTestBed;
  let running: InProcessMonitor;
  let subscription: Subscription;
  let latest: LoadSnapshot | undefined;

  const loadOf = (model: string): ModelLoad | undefined =>
    latest?.models.find((load) => load.model === model);
  const waitForLoad = (model: string, expected: Partial<ModelLoad>, message: string) =>
    waitFor(() => expect(loadOf(model)).toMatchObject(expected), { timeoutMs: 5_000, message });

  beforeAll(async () => {
    bed = await createMonitorTestBed('load');
    await ensureStreams(bed.manager, bed.names, { kinds: ['infer'] });
    await registerNames(bed, { models: ['queued', 'idle'] });
    subscription = bed.connection.subscribe(bed.names.monitorLoadSubject, {
      callback: (error, message) => {
        if (error === null) latest = fromBinary(LoadSnapshotSchema, message.data);
      },
    });
    running = await startMonitorInProcess(bed);
  });

  afterAll(async () => {
    subscription?.unsubscribe();
    await running?.stop();
    await bed?.close();
  });

  it('counts jobs queued while no worker has ever run, before any consumer exists', async () => {
    await publishJobs(bed, 'queued', 2, QUEUED_JOBS);

    await waitForLoad(
      'queued',
      { pending: BigInt(QUEUED_JOBS), inFlight: 0n, liveWorkers: 0 },
      'the queued jobs',
    );
    expect(loadOf('idle')).toMatchObject({ pending: 0n, inFlight: 0n });
    expect(latest?.models.map((load) => load.model)).toEqual(['idle', 'queued']);
  });

  it('follows the work consumer: taken jobs move to in flight, acked ones leave', async () => {
    const taken = await takeJobs(bed, 'queued', 2, 10, 6);
    expect(taken).toHaveLength(10);

    await waitForLoad(
      'queued',
      { pending: BigInt(QUEUED_JOBS - 10), inFlight: 4n },
      'the queue after taking 10 and acking 6',
    );
  });

  it('reports live workers, throughput of answered requests and median service time and batch size from telemetry', async () => {
    publishHeartbeat(bed, 'w1', WorkerState.READY, 'queued', Date.now());
    const nowMs = Date.now();
    await bed.publishRequests(
      Array.from({ length: 20 }, () => requestRecord({ model: 'queued', atUnixMs: BigInt(nowMs) })),
    );
    // Refused and expired requests are no throughput: the model never ran them.
    await bed.publishRequests(
      Array.from({ length: 50 }, (_, index) =>
        requestRecord({ model: 'queued', atUnixMs: BigInt(nowMs), statusCode: index % 2 ? 8 : 4 }),
      ),
    );
    await bed.publishBatches(
      [3, 4, 4, 4, 9].map((size) =>
        batchRecord({ model: 'queued', size, executeUs: BigInt(size * 1_000), atUnixMs: BigInt(nowMs) }),
      ),
    );

    await waitForLoad('queued', { liveWorkers: 1, batchSize: 4 }, 'heartbeat and batches');
    const load = loadOf('queued');
    // One second is the smallest span throughput divides by; all 20 requests are within it.
    expect(load?.throughputPerSecond).toBeGreaterThan(0);
    expect(load?.throughputPerSecond).toBeLessThanOrEqual(20);
    expect(load?.serviceTimeMs).toBeGreaterThanOrEqual(4);
    expect(load?.serviceTimeMs).toBeLessThanOrEqual(4 * 1.001);
    expect(loadOf('idle')).toMatchObject({ liveWorkers: 0, throughputPerSecond: 0, batchSize: 0 });
  });
});
