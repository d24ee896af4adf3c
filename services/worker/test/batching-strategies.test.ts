import { randomUUID } from 'node:crypto';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { jetstream } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import { StatusCode } from '@switchboard/errors';
import { classifierSpec, toRawFloat32 } from '@switchboard/models/testing';
import { DEFAULT_PRIORITY } from '@switchboard/nats';
import {
  BatchRecordSchema,
  BatchingMode,
  BatchingSpecSchema,
  JobResultSchema,
  JobSchema,
  ModelInferRequestSchema,
  ModelSpecSchema,
  WorkerHeartbeatSchema,
} from '@switchboard/protocol';
import type { BatchRecord, BatchingSpec, JobResult, WorkerHeartbeat } from '@switchboard/protocol';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/index.js';
import { startTestWorker } from './support/start-test-worker.js';

const STATIC_MODEL = 'fixed-size';
const DYNAMIC_MODEL = 'preferred-size';
const FLUSH_TIMEOUT_US = 300_000;
/** Each batch takes this long on the synthetic runtime, and the registry's latency prior says so. */
const RUN_MS = 150;
/** The dynamic model's batches hold at most this many input units: 8 rows of 4 features. */
const MAX_BATCH_UNITS = 32;

describe('batching strategies on real JetStream queues', () => {
  let registry: RegistryFixture;
  let worker: RunningWorker;
  let replies: Subscription;
  const replyTo = `worker-test-${randomUUID()}`;
  const waiting = new Map<string, (result: JobResult) => void>();
  const batches: BatchRecord[] = [];
  const heartbeats: WorkerHeartbeat[] = [];

  /** Queues one job of `rows` rows whose deadline is `deadlineInMs` from now and resolves with its answer. */
  const infer = async (
    model: string,
    { deadlineInMs = 30_000, rows = 1 }: { deadlineInMs?: number; rows?: number } = {},
  ): Promise<JobResult> => {
    const id = randomUUID();
    const request = create(ModelInferRequestSchema, {
      modelName: model,
      id,
      inputs: [{ name: 'features', datatype: 'FP32', shape: [BigInt(rows), 4n] }],
      rawInputContents: [toRawFloat32(Array.from({ length: rows * 4 }, (_, index) => index / 10))],
    });
    const job = create(JobSchema, {
      requestId: id,
      model,
      request: toBinary(ModelInferRequestSchema, request),
      replyTo: `${registry.names.replyPrefix}.${replyTo}`,
      deadlineUnixMs: BigInt(Date.now() + deadlineInMs),
      enqueuedUnixMs: BigInt(Date.now()),
      priority: DEFAULT_PRIORITY,
    });
    const answered = new Promise<JobResult>((resolve) => waiting.set(id, resolve));
    const subject = registry.names.inferSubject(model, DEFAULT_PRIORITY);
    await jetstream(registry.connection).publish(subject, toBinary(JobSchema, job));
    return answered;
  };
  const waitUs = (result: JobResult) => Number(result.timings?.batchWaitUs);

  beforeAll(async () => {
    registry = await startRegistryFixture('batchstrategies');
    const { connection, names } = registry;
    replies = connection.subscribe(`${names.replyPrefix}.${replyTo}`, {
      callback: (_error, message) => {
        const result = fromBinary(JobResultSchema, message.data);
        waiting.get(result.requestId)?.(result);
      },
    });
    connection.subscribe(names.workerHeartbeatSubject, {
      callback: (_error, message) => void heartbeats.push(fromBinary(WorkerHeartbeatSchema, message.data)),
    });
    for (const model of [STATIC_MODEL, DYNAMIC_MODEL]) {
      connection.subscribe(names.telemetryBatchSubject(model), {
        callback: (_error, message) => void batches.push(fromBinary(BatchRecordSchema, message.data)),
      });
    }
    const register = (name: string, batching: Omit<BatchingSpec, '$typeName'>) =>
      registry.client.registerModel({
        model: create(ModelSpecSchema, {
          ...classifierSpec('classifier-small'),
          name,
          runtime: 'synthetic',
          runtimeOptions: { base_latency_ms: String(RUN_MS) },
          latencyPriorMs: RUN_MS,
          batching: create(BatchingSpecSchema, batching),
        }),
      });
    await register(STATIC_MODEL, {
      mode: BatchingMode.STATIC,
      maxBatchSize: 4,
      maxQueueDelayUs: FLUSH_TIMEOUT_US,
      preferredBatchSizes: [],
      maxBatchUnits: 0n,
      maxStepTokens: 0,
    });
    await register(DYNAMIC_MODEL, {
      mode: BatchingMode.DYNAMIC,
      maxBatchSize: 16,
      maxQueueDelayUs: FLUSH_TIMEOUT_US,
      preferredBatchSizes: [3],
      maxBatchUnits: BigInt(MAX_BATCH_UNITS),
      maxStepTokens: 0,
    });
    worker = await startTestWorker(registry, `${STATIC_MODEL},${DYNAMIC_MODEL}`);
    await waitFor(() => heartbeats.at(-1)?.models.length === 2, {
      timeoutMs: 15_000,
      message: `the worker to load ${STATIC_MODEL} and ${DYNAMIC_MODEL}`,
    });
  });

  beforeEach(() => {
    batches.length = 0;
  });

  afterAll(async () => {
    replies?.unsubscribe();
    await worker?.stop();
    await registry?.close();
  });

  const batchesOf = (model: string) => batches.filter((batch) => batch.model === model);
  /**
   * Waits for a test's batch records. A worker publishes a batch's record just after answering its
   * jobs, so a test that ended on the answers alone could let its record land in the next test.
   */
  const recordsArrive = (model: string, count: number) =>
    waitFor(() => batchesOf(model).length === count, { message: `${count} batch record(s) of ${model}` });

  it('static: runs 8 concurrent jobs as two batches of 4, and flushes 2 more together after the flush timeout', async () => {
    const full = await Promise.all(Array.from({ length: 8 }, () => infer(STATIC_MODEL)));
    expect(full.map((result) => result.batchSize)).toEqual(Array(8).fill(4));
    const partial = await Promise.all([infer(STATIC_MODEL), infer(STATIC_MODEL)]);
    expect(partial.map((result) => result.batchSize)).toEqual([2, 2]);
    expect(Math.max(...partial.map(waitUs))).toBeGreaterThanOrEqual(FLUSH_TIMEOUT_US * 0.9);
    await recordsArrive(STATIC_MODEL, 3);
  });

  it('static: closes a batch early for a job whose deadline would otherwise be missed', async () => {
    const result = await infer(STATIC_MODEL, { deadlineInMs: 2 * RUN_MS });
    expect(result.status?.code).toBe(0);
    // Closed at about deadline − expected run time (150 ms), well before the 300 ms flush timeout.
    expect(waitUs(result)).toBeLessThan(FLUSH_TIMEOUT_US * 0.8);
    await recordsArrive(STATIC_MODEL, 1);
  });

  it('static: answers a job that expires in the batcher behind a running batch DEADLINE_EXCEEDED, without running it', async () => {
    const running = Array.from({ length: 4 }, () => infer(STATIC_MODEL));
    const expiring = await infer(STATIC_MODEL, { deadlineInMs: RUN_MS / 3 });
    expect(expiring.status?.code).toBe(StatusCode.DEADLINE_EXCEEDED);
    await Promise.all(running);
    await recordsArrive(STATIC_MODEL, 1);
    expect(batchesOf(STATIC_MODEL).map((batch) => batch.size)).toEqual([4]);
  });

  it('dynamic: runs a preferred size at once, without waiting out the queue delay', async () => {
    const results = await Promise.all(Array.from({ length: 3 }, () => infer(DYNAMIC_MODEL)));
    expect(results.map((result) => result.batchSize)).toEqual([3, 3, 3]);
    expect(Math.max(...results.map(waitUs))).toBeLessThan(FLUSH_TIMEOUT_US / 2);
    await recordsArrive(DYNAMIC_MODEL, 1);
  });

  it('dynamic: cuts batches at their input-unit bound and reports their units and padding waste', async () => {
    // 6 + 2 rows fill the 32-unit bound (8 rows x 4 features); the 5-row job starts the next batch.
    const results = await Promise.all([
      infer(DYNAMIC_MODEL, { rows: 6 }),
      infer(DYNAMIC_MODEL, { rows: 2 }),
      infer(DYNAMIC_MODEL, { rows: 5 }),
    ]);
    expect(results.every((result) => result.status?.code === 0)).toBe(true);
    await recordsArrive(DYNAMIC_MODEL, 2);
    const records = batchesOf(DYNAMIC_MODEL);
    expect(records.map((batch) => [batch.size, Number(batch.inputUnits)])).toEqual([
      [2, 32],
      [1, 20],
    ]);
    // Padded to the 24-unit job, the 8-unit one wastes 16 of 48 units.
    expect(records[0]?.paddingWaste).toBeCloseTo(1 / 3);
    expect(records[1]?.paddingWaste).toBe(0);
  });
});
