import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { KV } from '@nats-io/kv';
import { createLogger } from '@switchboard/logging';
import type { Logger } from '@switchboard/logging';
import { classifierSpec } from '@switchboard/models/testing';
import {
  BatchingKnobSchema,
  BatchingMode,
  BatchingSpecSchema,
  ModelSpecSchema,
  WorkerHeartbeatSchema,
} from '@switchboard/protocol';
import type { WorkerHeartbeat } from '@switchboard/protocol';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { batchingKnobKey, openPolicyStore } from '@switchboard/routing-policy';
import { scrapeMetrics, waitFor } from '@switchboard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/index.js';
import { createJobClient } from './support/job-client.js';
import type { JobClient } from './support/job-client.js';
import { startTestWorker } from './support/start-test-worker.js';

const MODEL = 'knobbed';
const OTHER_MODEL = 'elsewhere';
/** Long, so that a batch cut short by a knob is told apart from one that waited it out. */
const REGISTRY_DELAY_US = 2_000_000;
const KNOB_DELAY_US = 20_000;
const DELAY_GAUGE = 'switchboard_worker_max_queue_delay_seconds';

interface LogLine {
  level: number;
  msg: string;
  reason?: string;
  maxQueueDelayMs?: number;
  previousDelayMs?: number;
}

const INFO = 30;
const WARN = 40;

describe('a worker following batching knobs', () => {
  let registry: RegistryFixture;
  let worker: RunningWorker;
  let jobs: JobClient;
  let policy: KV;
  const heartbeats: WorkerHeartbeat[] = [];
  const logLines: LogLine[] = [];
  let logger: Logger;

  const putKnob = (key: string, model: string, maxQueueDelayUs: number, reason: string) =>
    policy.put(
      key,
      toBinary(
        BatchingKnobSchema,
        create(BatchingKnobSchema, {
          model,
          maxQueueDelayUs,
          version: 1n,
          reason,
          atUnixMs: BigInt(Date.now()),
        }),
      ),
    );
  const appliedDelaySeconds = async () =>
    (await scrapeMetrics(worker.metricsPort)).value(DELAY_GAUGE, { model: MODEL });
  /** Sends one job and resolves with the size of the batch that ran it and how long it waited, µs. */
  const runOneJob = async () => {
    const result = await jobs.infer('', [[0.1, 0.2, 0.3, 0.4]]);
    expect(result.status?.code).toBe(0);
    return { size: result.batchSize, waitUs: Number(result.timings?.batchWaitUs) };
  };

  beforeAll(async () => {
    registry = await startRegistryFixture('worker-batching-knobs');
    const { connection, names } = registry;
    connection.subscribe(names.workerHeartbeatSubject, {
      callback: (_error, message) => {
        heartbeats.push(fromBinary(WorkerHeartbeatSchema, message.data));
      },
    });
    policy = (await openPolicyStore(connection, names)).announcements;
    await registry.client.registerModel({
      model: create(ModelSpecSchema, {
        ...classifierSpec('classifier-small'),
        name: MODEL,
        runtime: 'synthetic',
        runtimeOptions: { base_latency_ms: '1' },
        batching: create(BatchingSpecSchema, {
          mode: BatchingMode.DYNAMIC,
          maxBatchSize: 8,
          maxQueueDelayUs: REGISTRY_DELAY_US,
        }),
      }),
    });
    logger = createLogger({
      service: 'worker',
      level: 'info',
      destination: { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) },
    });
    worker = await startTestWorker(registry, MODEL, logger);
    await waitFor(() => heartbeats.at(-1)?.models.some((model) => model.name === MODEL), {
      timeoutMs: 15_000,
      message: `the worker to load ${MODEL}`,
    });
    jobs = createJobClient(connection, names, MODEL);
  });

  afterEach(async () => {
    await policy.delete(batchingKnobKey(MODEL));
    await waitFor(async () => (await appliedDelaySeconds()) === REGISTRY_DELAY_US / 1e6, {
      message: "the registry's delay to apply again",
    });
    logLines.length = 0;
  });

  afterAll(async () => {
    jobs?.close();
    await worker?.stop();
    await registry?.close();
  });

  it("keeps the registry's delay when the knobs are another model's or malformed", async () => {
    await putKnob(batchingKnobKey(OTHER_MODEL), OTHER_MODEL, 1_000, 'for another worker');
    await policy.put(batchingKnobKey(MODEL), new Uint8Array([0xff, 0xff, 0xff]));
    await putKnob(batchingKnobKey(MODEL), OTHER_MODEL, 1_000, 'under the wrong key');
    // The watch delivers in order: once both malformed values are logged, the first knob was seen too.
    await waitFor(
      () => logLines.filter((line) => line.msg === 'skipping a malformed batching knob').length === 2,
      { message: 'both malformed knobs to be logged' },
    );

    expect(logLines.filter((line) => line.level === WARN)).toHaveLength(2);
    expect(await appliedDelaySeconds()).toBe(REGISTRY_DELAY_US / 1e6);
    const batch = await runOneJob();
    expect(batch.size).toBe(1);
    expect(batch.waitUs).toBeGreaterThanOrEqual(REGISTRY_DELAY_US * 0.95);
  });

  it('applies a knob within a second, to a batch already waiting too', async () => {
    const waiting = runOneJob();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const putAtMs = Date.now();
    await putKnob(batchingKnobKey(MODEL), MODEL, KNOB_DELAY_US, 'p95 at 0.92 of budget: shorter delay');

    const cutShort = await waiting;
    expect(Date.now() - putAtMs).toBeLessThan(1_000);
    expect(cutShort.waitUs).toBeLessThan(REGISTRY_DELAY_US / 2);
    const next = await runOneJob();
    expect(next.waitUs).toBeGreaterThanOrEqual(KNOB_DELAY_US * 0.9);
    expect(next.waitUs).toBeLessThan(REGISTRY_DELAY_US / 4);
    expect(await appliedDelaySeconds()).toBe(KNOB_DELAY_US / 1e6);
    const changes = logLines.filter((line) => line.msg === 'batch queue delay changed');
    expect(changes).toEqual([
      expect.objectContaining({
        level: INFO,
        maxQueueDelayMs: KNOB_DELAY_US / 1000,
        previousDelayMs: REGISTRY_DELAY_US / 1000,
        reason: 'p95 at 0.92 of budget: shorter delay',
      }),
    ]);
  });

  it('starts serving with the knob in force when it starts after the knob was published', async () => {
    await worker.stop();
    await putKnob(batchingKnobKey(MODEL), MODEL, KNOB_DELAY_US, 'published while the worker was away');
    heartbeats.length = 0;
    worker = await startTestWorker(registry, MODEL, logger);
    await waitFor(() => heartbeats.at(-1)?.models.some((model) => model.name === MODEL), {
      timeoutMs: 15_000,
      message: `the restarted worker to load ${MODEL}`,
    });

    expect(await appliedDelaySeconds()).toBe(KNOB_DELAY_US / 1e6);
    expect((await runOneJob()).waitUs).toBeLessThan(REGISTRY_DELAY_US / 4);
    expect(logLines.filter((line) => line.msg === 'batch queue delay changed')).toEqual([]);
  });

  it("waits longer for a fuller batch under a longer knob, and returns to the registry's delay when the knob is removed", async () => {
    await putKnob(batchingKnobKey(MODEL), MODEL, KNOB_DELAY_US, 'shorter');
    await waitFor(async () => (await appliedDelaySeconds()) === KNOB_DELAY_US / 1e6, { timeoutMs: 1_000 });
    // Jobs 100 ms apart: a 20 ms delay runs them one by one, a 400 ms one in one batch.
    const spacedJobs = async () => {
      const sent: ReturnType<typeof runOneJob>[] = [];
      for (let index = 0; index < 3; index += 1) {
        sent.push(runOneJob());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return Promise.all(sent);
    };
    expect((await spacedJobs()).map((batch) => batch.size)).toEqual([1, 1, 1]);

    await putKnob(batchingKnobKey(MODEL), MODEL, 400_000, 'p95 at 0.20 of budget: longer delay');
    await waitFor(async () => (await appliedDelaySeconds()) === 0.4, { timeoutMs: 1_000 });
    expect((await spacedJobs()).map((batch) => batch.size)).toEqual([3, 3, 3]);

    await policy.delete(batchingKnobKey(MODEL));
    await waitFor(async () => (await appliedDelaySeconds()) === REGISTRY_DELAY_US / 1e6, {
      timeoutMs: 1_000,
    });
    expect(logLines.at(-1)).toMatchObject({
      msg: 'batch queue delay changed',
      reason: expect.stringContaining('removed'),
    });
  });
});
