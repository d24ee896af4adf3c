import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { jetstream } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import { DEFAULT_PRIORITY } from '@switchboard/nats';
import {
  AssignReplySchema,
  AssignRequestSchema,
  BatchRecordSchema,
  BatchingMode,
  JobResultSchema,
  JobSchema,
  ModelInferRequestSchema,
  ModelSpecSchema,
  WorkerHeartbeatSchema,
} from '@switchboard/protocol';
import type { BatchRecord, JobResult, WorkerHeartbeat } from '@switchboard/protocol';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { decodeOutputs } from '@switchboard/tensors';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/index.js';
import { writeRecordedOutcomes } from '../src/runtimes/__fixtures__/llm-batches.js';
import { startTestWorker } from './support/start-test-worker.js';
import { promptRequest, stepwiseLlmSpec } from './support/stepwise-llm.js';

const MODEL = 'stepwise-llm';
/** Registered with continuous batching on a runtime whose models only run whole batches. */
const WHOLE_BATCH_MODEL = 'whole-batch-llm';
/** Simulated milliseconds per decode step: a job of n tokens runs for about n × 2 ms. */
const STEP_MS = 2;

describe('continuous batching on real JetStream queues', () => {
  const workerId = `continuous-${randomBytes(3).toString('hex')}`;
  let registry: RegistryFixture;
  let worker: RunningWorker;
  let replies: Subscription;
  let directory: string;
  const replyTo = `worker-test-${workerId}`;
  /** Every answer, in the order it arrived. */
  const answers: JobResult[] = [];
  const batches: BatchRecord[] = [];
  const heartbeats: WorkerHeartbeat[] = [];

  /** Queues a job for `maxTokens` tokens and resolves with its request id once published. */
  const send = async (maxTokens: number): Promise<string> => {
    const request = promptRequest(MODEL, maxTokens);
    const job = create(JobSchema, {
      requestId: request.id,
      model: MODEL,
      request: toBinary(ModelInferRequestSchema, request),
      replyTo: `${registry.names.replyPrefix}.${replyTo}`,
      deadlineUnixMs: BigInt(Date.now() + 30_000),
      enqueuedUnixMs: BigInt(Date.now()),
      priority: DEFAULT_PRIORITY,
    });
    await jetstream(registry.connection).publish(
      registry.names.inferSubject(MODEL, DEFAULT_PRIORITY),
      toBinary(JobSchema, job),
    );
    return request.id;
  };
  const answersTo = (requestId: string) => answers.filter((answer) => answer.requestId === requestId);

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'worker-continuous-'));
    const outcomesFile = join(directory, 'outcomes.jsonl');
    await writeRecordedOutcomes(outcomesFile);
    registry = await startRegistryFixture('worker-continuous');
    const { connection, names } = registry;
    replies = connection.subscribe(`${names.replyPrefix}.${replyTo}`, {
      callback: (_error, message) => void answers.push(fromBinary(JobResultSchema, message.data)),
    });
    connection.subscribe(names.workerHeartbeatSubject, {
      callback: (_error, message) => void heartbeats.push(fromBinary(WorkerHeartbeatSchema, message.data)),
    });
    connection.subscribe(names.telemetryBatchSubject(MODEL), {
      callback: (_error, message) => void batches.push(fromBinary(BatchRecordSchema, message.data)),
    });
    const timing = {
      ttft_ms: '1',
      prefill_us_per_token: '0',
      decode_ms_per_step: String(STEP_MS),
      decode_us_per_sequence: '0',
    };
    const continuous = { mode: BatchingMode.CONTINUOUS, maxBatchSize: 8, maxStepTokens: 256 };
    await registry.client.registerModel({ model: stepwiseLlmSpec(MODEL, outcomesFile, continuous, timing) });
    await registry.client.registerModel({
      model: create(ModelSpecSchema, {
        ...stepwiseLlmSpec(WHOLE_BATCH_MODEL, outcomesFile, continuous, timing),
        runtime: 'synthetic-llm',
        runtimeOptions: {
          ttft_ms: '1',
          prefill_us_per_token: '0',
          decode_ms_per_token: '1',
          outcomes_file: outcomesFile,
        },
      }),
    });
    worker = await startTestWorker(registry, MODEL, undefined, { WORKER_ID: workerId });
    await waitFor(() => heartbeats.at(-1)?.models.some((model) => model.name === MODEL), {
      timeoutMs: 15_000,
      message: `the worker to load ${MODEL}`,
    });
  });

  afterAll(async () => {
    replies?.unsubscribe();
    await worker?.stop();
    await registry?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('answers a short job sent while a long one runs first, and each job exactly once', async () => {
    const long = await send(200);
    // The long job is decoding when the short one arrives.
    await sleep(40 * STEP_MS);
    const short = await send(3);
    await waitFor(() => answersTo(long).length > 0, {
      timeoutMs: 10_000,
      message: 'the long job to be answered',
    });
    // Time for a second answer to either, were one coming.
    await sleep(200);

    expect(answers.map((answer) => answer.requestId)).toEqual([short, long]);
    const [shortAnswer, longAnswer] = answers as [JobResult, JobResult];
    for (const answer of [shortAnswer, longAnswer]) expect(answer.status?.code).toBe(0);
    const tokensOf = (answer: JobResult) =>
      Array.from(
        decodeOutputs(answer.response!).find((output) => output.name === 'output_tokens')
          ?.data as Float32Array,
      );
    expect([tokensOf(shortAnswer), tokensOf(longAnswer)]).toEqual([[3], [200]]);
    // The short job joined the running batch at once and ran for about 3 steps, not 200.
    expect(Number(shortAnswer.timings?.batchWaitUs)).toBeLessThan(40 * STEP_MS * 1000);
    expect(Number(shortAnswer.timings?.executeUs)).toBeLessThan(60 * STEP_MS * 1000);
    expect(Number(longAnswer.timings?.executeUs)).toBeGreaterThanOrEqual(200 * STEP_MS * 1000 - 1000);
    expect(shortAnswer.batchSize).toBe(2);
  });

  it('publishes a batch record per step that finished sequences: sequences active and their mean time in the model', async () => {
    expect(batches.map((record) => [record.size, record.failed])).toEqual([
      [2, 0],
      [1, 0],
    ]);
    const [shortStep, longStep] = batches as [BatchRecord, BatchRecord];
    expect(Number(shortStep.executeUs)).toBeLessThan(60 * STEP_MS * 1000);
    expect(Number(longStep.executeUs)).toBeGreaterThanOrEqual(200 * STEP_MS * 1000 - 1000);
    expect(longStep).toMatchObject({
      model: MODEL,
      runtime: 'synthetic-stepwise',
      synthetic: true,
      paddingWaste: 0,
    });
  });

  it('refuses to load a continuous model on a runtime that cannot step, naming the modes to choose', async () => {
    const request = create(AssignRequestSchema, {
      models: [MODEL, WHOLE_BATCH_MODEL],
      epoch: 1n,
      managerId: 'test',
      reason: 'test',
    });
    const { connection, names } = registry;
    const message = await connection.request(
      names.workerAssignSubject(workerId),
      toBinary(AssignRequestSchema, request),
      {
        timeout: 15_000,
      },
    );
    const reply = fromBinary(AssignReplySchema, message.data);

    expect(reply.serving).toEqual([MODEL]);
    expect(reply.failures).toHaveLength(1);
    expect(reply.failures[0]?.model).toBe(WHOLE_BATCH_MODEL);
    expect(reply.failures[0]?.reason).toMatch(
      /runtime "synthetic-llm" cannot run continuous batching .*choose DYNAMIC or STATIC batching/,
    );
  });
});
