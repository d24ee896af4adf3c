import { readFileSync } from 'node:fs';
import { ensureStreams } from '@switchboard/nats';
import { WorkerState } from '@switchboard/protocol';
import { modelKey } from '@switchboard/registry-snapshot';
import { scrapeMetrics, waitFor } from '@switchboard/testkit';
import type { MetricsScrape } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitorTestBed, startMonitorInProcess } from './monitor-test-bed.js';
import type { InProcessMonitor, MonitorTestBed } from './monitor-test-bed.js';
import { publishHeartbeat, publishJobs, registerNames, takeJobs } from './load-sources.js';
import type { RegistryBucket } from './load-sources.js';
import { batchRecord, exactPercentile, requestRecord } from './telemetry-records.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
/** Jobs for `queued`, a model no worker has ever served, by priority. */
const QUEUED_BY_PRIORITY = { 1: 3, 2: 7 } as const;
const QUEUED_JOBS = QUEUED_BY_PRIORITY[1] + QUEUED_BY_PRIORITY[2];
/** Jobs for `served`: all taken by a worker, this many of them acked. */
const TAKEN_JOBS = 5;
const ACKED_JOBS = 2;
/** Request latencies of `served`: 1, 2, … 100 ms. */
const LATENCIES_MS = Array.from({ length: 100 }, (_, index) => index + 1);
const BATCHES = 4;

/** The metric table of libs/metrics/README.md: the `switchboard_` families it documents for the monitor, with their types. */
function documentedMonitorFamilies(): Record<string, string> {
  const readme = readFileSync(new URL('../../../libs/metrics/README.md', import.meta.url), 'utf8');
  const rows = readme.matchAll(
    /^\| `(switchboard_[a-z_]+)` +\| (counter|gauge|histogram) +\|[^|]*\| ([^|]+?) +\|/gm,
  );
  return Object.fromEntries(
    [...rows]
      .filter(([, , , owner]) => owner === 'monitor' || owner === 'all')
      .map(([, name = '', type = '']) => [name, type.toUpperCase()]),
  );
}

describe('monitor metrics', () => {
  let bed: MonitorTestBed;
  let bucket: RegistryBucket;
  let running: InProcessMonitor;

  const scrape = () => scrapeMetrics(running.monitor.metricsPort);
  /** Polls /metrics until `check` holds (the gauges follow load snapshots and heartbeats). */
  const waitForScrape = (check: (scrape: MetricsScrape) => void, message: string) =>
    waitFor(
      async () => {
        check(await scrape());
        return true;
      },
      { timeoutMs: 5_000, message },
    );

  beforeAll(async () => {
    bed = await createMonitorTestBed('metrics');
    await ensureStreams(bed.manager, bed.names, { kinds: ['infer'] });
    bucket = await registerNames(bed, { models: ['queued', 'served'] });
    await publishJobs(bed, 'queued', 1, QUEUED_BY_PRIORITY[1]);
    await publishJobs(bed, 'queued', 2, QUEUED_BY_PRIORITY[2]);
    await publishJobs(bed, 'served', 2, TAKEN_JOBS);
    await takeJobs(bed, 'served', 2, TAKEN_JOBS, ACKED_JOBS);

    running = await startMonitorInProcess(bed);
    const nowMs = Date.now();
    publishHeartbeat(bed, 'ready-1', WorkerState.READY, 'served', nowMs);
    publishHeartbeat(bed, 'ready-2', WorkerState.READY, 'served', nowMs);
    publishHeartbeat(bed, 'leaving', WorkerState.DRAINING, 'served', nowMs);
    // Its last heartbeat is older than 3 intervals: presumed dead.
    publishHeartbeat(bed, 'dead', WorkerState.READY, 'served', nowMs - 10 * 60_000);
    await bed.publishRequests([
      ...LATENCIES_MS.map((latencyMs) =>
        requestRecord({ model: 'served', latencyUs: BigInt(latencyMs * 1_000), atUnixMs: BigInt(nowMs) }),
      ),
      // A model the registry does not know: counted as a record, never a label value.
      requestRecord({ model: 'ghost', latencyUs: 5_000n, atUnixMs: BigInt(nowMs) }),
    ]);
    await bed.publishBatches(
      Array.from({ length: BATCHES }, () =>
        batchRecord({ model: 'served', size: 4, executeUs: 3_000n, atUnixMs: BigInt(nowMs) }),
      ),
    );
  });

  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  it('reports jobs queued with no worker as pending and jobs held by a worker as ack pending', async () => {
    await waitForScrape((metrics) => {
      expect(metrics.value('switchboard_queue_pending_jobs', { model: 'queued' })).toBe(QUEUED_JOBS);
      expect(metrics.value('switchboard_queue_ack_pending_jobs', { model: 'queued' })).toBe(0);
      expect(metrics.value('switchboard_queue_pending_jobs', { model: 'served' })).toBe(0);
      expect(metrics.value('switchboard_queue_ack_pending_jobs', { model: 'served' })).toBe(
        TAKEN_JOBS - ACKED_JOBS,
      );
    }, 'the queue gauges');
    const metrics = await scrape();
    expect(metrics.contentType).toBe(PROMETHEUS_TEXT);
    expect(metrics.families.get('switchboard_queue_pending_jobs')?.type).toBe('GAUGE');
    expect(metrics.value('switchboard_service_info', { service: 'monitor' })).toBe(1);
  });

  it('counts every telemetry record it applies once, by kind', async () => {
    await waitForScrape((metrics) => {
      expect(metrics.value('switchboard_telemetry_records_total', { kind: 'request' })).toBe(
        LATENCIES_MS.length + 1,
      );
      expect(metrics.value('switchboard_telemetry_records_total', { kind: 'batch' })).toBe(BATCHES);
    }, 'the record counts');
    expect((await scrape()).families.get('switchboard_telemetry_records_total')?.type).toBe('COUNTER');
  });

  it('counts live workers by state, leaving out one that missed its heartbeats', async () => {
    await waitForScrape((metrics) => {
      expect(metrics.value('switchboard_workers', { state: 'ready' })).toBe(2);
      expect(metrics.value('switchboard_workers', { state: 'draining' })).toBe(1);
    }, 'the worker counts');
  });

  it('reports last-minute latency percentiles of registered models within HDR precision', async () => {
    const metrics = await scrape();
    for (const [quantile, percentile] of [
      ['0.5', 50],
      ['0.95', 95],
      ['0.99', 99],
    ] as const) {
      const exactSeconds = exactPercentile(LATENCIES_MS, percentile) / 1_000;
      const reported = metrics.value('switchboard_model_latency_seconds', { model: 'served', quantile });
      expect(reported, quantile).toBeGreaterThanOrEqual(exactSeconds);
      expect(reported, quantile).toBeLessThanOrEqual(exactSeconds * 1.001);
    }
    expect(metrics.labelSets('switchboard_model_latency_seconds').map((labels) => labels.model)).toEqual([
      'served',
      'served',
      'served',
    ]);
  });

  it('exports exactly the switchboard_ families libs/metrics/README.md documents for the monitor', async () => {
    const metrics = await scrape();
    const exported = Object.fromEntries(
      [...metrics.families.values()]
        .filter((family) => family.name.startsWith('switchboard_'))
        .map((family) => [family.name, family.type]),
    );
    expect(exported).toEqual(documentedMonitorFamilies());
  });

  it('stops reporting the queues of a model deleted from the registry', async () => {
    await bucket.delete(modelKey('queued'));

    await waitForScrape((metrics) => {
      expect(metrics.labelSets('switchboard_queue_pending_jobs')).toEqual([{ model: 'served' }]);
      expect(metrics.labelSets('switchboard_queue_ack_pending_jobs')).toEqual([{ model: 'served' }]);
    }, 'the deleted model to drop out');
  });
});
