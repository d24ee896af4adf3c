import { randomBytes } from 'node:crypto';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { createLogger } from '@switchboard/logging';
import { classifierSpec } from '@switchboard/models/testing';
import {
  AssignReplySchema,
  AssignRequestSchema,
  BatchingKnobSchema,
  BatchingMode,
  BatchingSpecSchema,
  ModelSpecSchema,
  WorkerHeartbeatSchema,
} from '@switchboard/protocol';
import type { AssignReply, JobResult, ModelSpec, WorkerHeartbeat } from '@switchboard/protocol';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { batchingKnobKey, openPolicyStore } from '@switchboard/routing-policy';
import { scrapeMetrics, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/index.js';
import { createJobClient } from './support/job-client.js';
import { startTestWorker } from './support/start-test-worker.js';

const MEMORY_BYTES = 1_000_000;
const SLOTS = 2;
/** The simulated cold start of every model here, ms. */
const LOAD_MS = 300;
/** How long a batch of `slow` runs: long enough for an assignment to arrive while it runs. */
const SLOW_BATCH_MS = 1_500;
const SLOW_JOBS = 4;
/** The optimizer's queue delay for `fast`, published before the worker was assigned it. */
const FAST_KNOB_DELAY_US = 7_000;

/**
 * A synthetic classifier taking `memoryBytes`, `LOAD_MS` to load and `latencyMs` per batch of at
 * most `maxBatchSize` jobs.
 */
function syntheticSpec(name: string, memoryBytes: number, latencyMs: number, maxBatchSize = 8): ModelSpec {
  return create(ModelSpecSchema, {
    ...classifierSpec('classifier-small'),
    name,
    runtime: 'synthetic',
    memoryBytes: BigInt(memoryBytes),
    runtimeOptions: { load_ms: String(LOAD_MS), base_latency_ms: String(latencyMs) },
    batching: create(BatchingSpecSchema, {
      mode: BatchingMode.DYNAMIC,
      maxBatchSize,
      maxQueueDelayUs: 20_000,
    }),
  });
}

const MODELS = [
  syntheticSpec('fast', 400_000, 5),
  // Batches of 2, so that of the drain test's 4 jobs 2 run and 2 wait when the assignment comes.
  syntheticSpec('slow', 400_000, SLOW_BATCH_MS, 2),
  syntheticSpec('huge', 700_000, 5),
];

describe('a worker taking assignments on worker.<id>.assign', () => {
  const workerId = `assign-${randomBytes(3).toString('hex')}`;
  let registry: RegistryFixture;
  let worker: RunningWorker;
  const heartbeats: WorkerHeartbeat[] = [];
  const ownBeats = () => heartbeats.filter((beat) => beat.workerId === workerId);
  const lastBeat = () => ownBeats().at(-1);

  async function assign(models: string[], epoch: bigint): Promise<AssignReply> {
    const request = create(AssignRequestSchema, { models, epoch, managerId: 'test', reason: 'test' });
    return sendAssign(toBinary(AssignRequestSchema, request));
  }

  async function sendAssign(data: Uint8Array): Promise<AssignReply> {
    const { connection, names } = registry;
    const reply = await connection.request(names.workerAssignSubject(workerId), data, { timeout: 30_000 });
    return fromBinary(AssignReplySchema, reply.data);
  }

  /** The newest heartbeat (of any worker) that `matches`, once there is one. */
  async function waitForBeat(
    matches: (beat: WorkerHeartbeat) => boolean,
    message: string,
  ): Promise<WorkerHeartbeat> {
    const beat = await waitFor(() => heartbeats.findLast(matches), { message });
    if (beat === undefined) throw new Error(`no ${message}`);
    return beat;
  }

  async function infer(model: string): Promise<JobResult> {
    const jobs = createJobClient(registry.connection, registry.names, model);
    try {
      return await jobs.infer('', [[0.1, 0.2, 0.3, 0.4]]);
    } finally {
      jobs.close();
    }
  }

  beforeAll(async () => {
    registry = await startRegistryFixture('worker-assignment');
    registry.connection.subscribe(registry.names.workerHeartbeatSubject, {
      callback: (_error, message) => {
        heartbeats.push(fromBinary(WorkerHeartbeatSchema, message.data));
      },
    });
    for (const model of MODELS) await registry.client.registerModel({ model });
    const policy = await openPolicyStore(registry.connection, registry.names);
    const knob = create(BatchingKnobSchema, {
      model: 'fast',
      maxQueueDelayUs: FAST_KNOB_DELAY_US,
      version: 1n,
    });
    await policy.announcements.put(batchingKnobKey('fast'), toBinary(BatchingKnobSchema, knob));
    worker = await startTestWorker(registry, '', undefined, {
      WORKER_ID: workerId,
      WORKER_MEMORY_BYTES: String(MEMORY_BYTES),
      WORKER_SLOTS: String(SLOTS),
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await registry?.close();
  });

  it('loads and warms the assigned models, then serves their jobs, replying with what serves and what failed', async () => {
    const reply = await assign(['fast', 'slow', 'ghost'], 1n);

    expect(reply).toMatchObject({ accepted: true, refusal: '', epoch: 1n });
    expect([...reply.serving].sort()).toEqual(['fast', 'slow']);
    expect(reply.failures.map(({ model, reason }) => ({ model, reason }))).toEqual([
      { model: 'ghost', reason: 'model "ghost" is not in the registry' },
    ]);
    expect(ownBeats().some((beat) => beat.loading.includes('fast'))).toBe(true);
    const [fast, slow] = await Promise.all([infer('fast'), infer('slow')]);
    expect(fast.status?.code).toBe(0);
    expect(slow.status?.code).toBe(0);
  });

  it('serves an assigned model with the batching knob in force for it', async () => {
    const scrape = await scrapeMetrics(worker.metricsPort);

    expect(scrape.value('switchboard_worker_max_queue_delay_seconds', { model: 'fast' })).toBe(
      FAST_KNOB_DELAY_US / 1e6,
    );
    expect(scrape.value('switchboard_worker_max_queue_delay_seconds', { model: 'slow' })).toBe(0.02);
  });

  it("heartbeats its capacity, the epoch, each model's measured cold start and its utilisation", async () => {
    await Promise.all(Array.from({ length: 3 }, () => infer('slow')));

    const beat = await waitForBeat(
      (each) => each.workerId === workerId && each.models.some((model) => model.utilisation > 0),
      'heartbeat with a busy model',
    );
    expect(beat.capacity).toMatchObject({ memoryBytes: BigInt(MEMORY_BYTES), slots: SLOTS });
    expect(beat.assignmentEpoch).toBe(1n);
    expect(beat.memoryUsedBytes).toBe(800_000n);
    expect(beat.utilisation).toBeGreaterThan(0);
    expect(beat.utilisation).toBeLessThanOrEqual(1);
    for (const model of beat.models) {
      expect(model.loadMs).toBeGreaterThanOrEqual(LOAD_MS);
      expect(model.memoryBytes).toBe(400_000n);
    }
    const slow = beat.models.find((model) => model.name === 'slow');
    expect(slow?.lastUsedUnixMs).toBeGreaterThan(0n);
    const loadSeconds = (await scrapeMetrics(worker.metricsPort)).histogram(
      'switchboard_worker_model_load_seconds',
      { model: 'fast' },
    );
    expect(loadSeconds.count).toBe(1);
    expect(loadSeconds.sum).toBeGreaterThanOrEqual(LOAD_MS / 1000);
  });

  it('drains a model a later assignment leaves out, answering every job in flight, and unloads it without a restart', async () => {
    const answeredAtMs: number[] = [];
    const running = Array.from({ length: SLOW_JOBS }, async () => {
      const result = await infer('slow');
      answeredAtMs.push(Date.now());
      return result;
    });
    await waitFor(() => lastBeat()?.models.find((model) => model.name === 'slow')?.inFlight === SLOW_JOBS, {
      message: `the worker to hold ${SLOW_JOBS} jobs of slow`,
    });

    const reply = await assign(['fast'], 2n);
    const repliedAtMs = Date.now();

    expect(reply).toMatchObject({ accepted: true, serving: ['fast'], failures: [], epoch: 2n });
    const results = await Promise.all(running);
    expect(results.map((result) => result.status?.code)).toEqual(Array(SLOW_JOBS).fill(0));
    // The reply waited for the drain: every job held was answered before it.
    expect(Math.max(...answeredAtMs)).toBeLessThanOrEqual(repliedAtMs);
    const beat = await waitForBeat(
      (each) => each.workerId === workerId && each.assignmentEpoch === 2n,
      'heartbeat of epoch 2',
    );
    expect(beat.models.map((model) => model.name)).toEqual(['fast']);
    expect(beat.memoryUsedBytes).toBe(400_000n);
    expect((await infer('fast')).status?.code).toBe(0);
  });

  it('refuses an assignment of an epoch below the newest applied and keeps serving', async () => {
    const reply = await assign(['slow'], 1n);

    expect(reply).toMatchObject({
      accepted: false,
      refusal: 'stale epoch 1: this worker has applied epoch 2',
      serving: ['fast'],
      epoch: 2n,
    });
    expect((await infer('fast')).status?.code).toBe(0);
  });

  it('refuses an assignment beyond its memory and loads nothing of it', async () => {
    const reply = await assign(['fast', 'slow', 'huge'], 3n);

    expect(reply).toMatchObject({ accepted: false, serving: ['fast'], epoch: 2n });
    expect(reply.refusal).toBe(
      'the models need 1500000 bytes of memory (fast 400000, slow 400000, huge 700000); this worker has 1000000',
    );
    const sentAtMs = Date.now();
    await waitFor(() => ownBeats().some((beat) => Number(beat.atUnixMs) > sentAtMs + 2 * LOAD_MS), {
      message: 'heartbeats after the refusal',
    });
    for (const beat of ownBeats()) {
      expect(beat.memoryUsedBytes).toBeLessThanOrEqual(BigInt(MEMORY_BYTES));
      expect(beat.models.map((model) => model.name)).not.toContain('huge');
    }
    expect(lastBeat()?.models.map((model) => model.name)).toEqual(['fast']);
  });

  it('refuses a request that is no AssignRequest, saying so', async () => {
    const reply = await sendAssign(new Uint8Array([0xff, 0xff, 0xff]));

    expect(reply.accepted).toBe(false);
    expect(reply.refusal).toMatch(/^the request is no AssignRequest: /);
    expect(reply.epoch).toBe(2n);
  });

  it('loads of its starting models only what fits its memory, logging the rest', async () => {
    const lines: Array<{ msg: string; model?: string; reason?: string }> = [];
    const logger = createLogger({
      service: 'worker',
      level: 'error',
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
    });
    const staticId = `${workerId}-static`;
    const staticWorker = await startTestWorker(registry, 'fast,slow,huge', logger, {
      WORKER_ID: staticId,
      WORKER_MEMORY_BYTES: String(MEMORY_BYTES),
    });
    try {
      const beat = await waitForBeat(
        (each) => each.workerId === staticId && each.models.length === 2,
        'heartbeat of the static worker with two models',
      );
      expect(beat.models.map((model) => model.name)).toEqual(['fast', 'slow']);
      expect(beat.assignmentEpoch).toBe(0n);
      expect(heartbeats.every((each) => each.memoryUsedBytes <= BigInt(MEMORY_BYTES))).toBe(true);
      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: 'model not served',
          model: 'huge',
          reason: `model "huge" needs 700000 bytes of memory; 200000 of the worker's ${MEMORY_BYTES} are free`,
        }),
      );
    } finally {
      await staticWorker.stop();
    }
  });
});
