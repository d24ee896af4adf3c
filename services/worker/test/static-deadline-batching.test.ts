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
import type { BatchRecord, JobResult, WorkerHeartbeat } from '@switchboard/protocol';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/index.js';
import { startTestWorker } from './support/start-test-worker.js';

const MODEL = 'fixed-size';
const FLUSH_TIMEOUT_US = 300_000;
/** Each batch takes this long on the synthetic runtime, and the registry's latency prior says so. */
const RUN_MS = 150;

describe('static batching with deadlines, on real JetStream queues', () => {
  let registry: RegistryFixture;
  let worker: RunningWorker;
  let replies: Subscription;
  const replyTo = `worker-test-${randomUUID()}`;
  const waiting = new Map<string, (result: JobResult) => void>();
  const batches: BatchRecord[] = [];
  const heartbeats: WorkerHeartbeat[] = [];

  /** Queues one job whose deadline is `deadlineInMs` from now and resolves with its answer. */
  const infer = async (deadlineInMs = 30_000): Promise<JobResult> => {
    const id = randomUUID();
    const request = create(ModelInferRequestSchema, {
      modelName: MODEL,
      id,
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1n, 4n] }],
      rawInputContents: [toRawFloat32([0.1, 0.2, 0.3, 0.4])],
    });
    const job = create(JobSchema, {
      requestId: id,
      model: MODEL,
      request: toBinary(ModelInferRequestSchema, request),
      replyTo: `${registry.names.replyPrefix}.${replyTo}`,
      deadlineUnixMs: BigInt(Date.now() + deadlineInMs),
      enqueuedUnixMs: BigInt(Date.now()),
      priority: DEFAULT_PRIORITY,
    });
    const answered = new Promise<JobResult>((resolve) => waiting.set(id, resolve));
    const subject = registry.names.inferSubject(MODEL, DEFAULT_PRIORITY);
    await jetstream(registry.connection).publish(subject, toBinary(JobSchema, job));
    return answered;
  };
  const waitUs = (result: JobResult) => Number(result.timings?.batchWaitUs);

  beforeAll(async () => {
    registry = await startRegistryFixture('worker-static-deadline');
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
    connection.subscribe(names.telemetryBatchSubject(MODEL), {
      callback: (_error, message) => void batches.push(fromBinary(BatchRecordSchema, message.data)),
    });
    await registry.client.registerModel({
      model: create(ModelSpecSchema, {
        ...classifierSpec('classifier-small'),
        name: MODEL,
        runtime: 'synthetic',
        runtimeOptions: { base_latency_ms: String(RUN_MS) },
        latencyPriorMs: RUN_MS,
        batching: create(BatchingSpecSchema, {
          mode: BatchingMode.STATIC,
          maxBatchSize: 4,
          maxQueueDelayUs: FLUSH_TIMEOUT_US,
        }),
      }),
    });
    worker = await startTestWorker(registry, MODEL);
    await waitFor(() => heartbeats.at(-1)?.models.some((model) => model.name === MODEL), {
      timeoutMs: 15_000,
      message: `the worker to load ${MODEL}`,
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

  it('runs 8 concurrent jobs as two batches of 4, and flushes 2 more together after the flush timeout', async () => {
    const full = await Promise.all(Array.from({ length: 8 }, () => infer()));
    expect(full.map((result) => result.batchSize)).toEqual(Array(8).fill(4));
    const partial = await Promise.all([infer(), infer()]);
    expect(partial.map((result) => result.batchSize)).toEqual([2, 2]);
    expect(Math.max(...partial.map(waitUs))).toBeGreaterThanOrEqual(FLUSH_TIMEOUT_US * 0.9);
  });

  it('closes a batch early for a job whose deadline would otherwise be missed', async () => {
    const result = await infer(2 * RUN_MS);
    expect(result.status?.code).toBe(0);
    // Closed at about deadline − expected run time (150 ms), well before the 300 ms flush timeout.
    expect(waitUs(result)).toBeLessThan(FLUSH_TIMEOUT_US * 0.8);
  });

  it('answers a job that expires in the batcher behind a running batch DEADLINE_EXCEEDED, without running it', async () => {
    const running = Array.from({ length: 4 }, () => infer());
    const expiring = await infer(RUN_MS / 3);
    expect(expiring.status?.code).toBe(StatusCode.DEADLINE_EXCEEDED);
    await Promise.all(running);
    await registry.connection.flush();
    expect(batches.map((batch) => batch.size)).toEqual([4]);
  });
});
