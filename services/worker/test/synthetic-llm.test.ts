import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, fromBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { StatusCode } from '@switchboard/errors';
import {
  BatchingMode,
  Modality,
  ModelInferRequestSchema,
  ModelSpecSchema,
  WorkerHeartbeatSchema,
} from '@switchboard/protocol';
import type { InferParameterSchema, JobResult, WorkerHeartbeat } from '@switchboard/protocol';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { decodeOutputs, encodeInputs } from '@switchboard/tensors';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobClient } from './support/job-client.js';
import { startTestWorker } from './support/start-test-worker.js';
import type { JobClient } from './support/job-client.js';
import type { RunningWorker } from '../src/index.js';

const MODEL = 'llm-answers';
const CAPITAL = 'What is the capital of France?';
const RIEMANN = 'Prove the Riemann hypothesis.';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const utf8 = (text: string) => new TextEncoder().encode(text);

/** One prompt as the benchmark sends it, with whatever else a request may carry. */
interface Prompt {
  prompt: string;
  context: string;
  maxTokens: number;
  parameters?: Record<string, MessageInitShape<typeof InferParameterSchema>>;
}

/** The model's answer to one prompt, as plain numbers. */
interface Answer {
  correct: number;
  costUsd: number;
  outputTokens: number;
}

/** A ModelInfer request for the LLM, as the replay benchmark sends it. */
function promptRequest({ prompt, context, maxTokens, parameters = {} }: Prompt) {
  return create(ModelInferRequestSchema, {
    modelName: MODEL,
    id: randomUUID(),
    parameters,
    ...encodeInputs(
      [
        { name: 'text_input', datatype: 'BYTES', shape: [1], data: [utf8(prompt)] },
        { name: 'context', datatype: 'BYTES', shape: [1], data: [utf8(context)] },
        { name: 'max_tokens', datatype: 'INT32', shape: [1], data: Int32Array.of(maxTokens) },
      ],
      'raw',
    ),
  });
}

/** The outputs of an answered job, each [1, 1] FP32. */
function answerOf(result: JobResult): Answer {
  expect(result.status?.code).toBe(0);
  expect(result.synthetic).toBe(true);
  if (result.response === undefined) throw new Error(`job ${result.requestId} was answered without outputs`);
  const outputs = decodeOutputs(result.response);
  const valueOf = (name: string) => {
    const output = outputs.find((tensor) => tensor.name === name);
    expect(output).toMatchObject({ datatype: 'FP32', shape: [1, 1] });
    return (output?.data as Float32Array)[0] ?? NaN;
  };
  return {
    correct: valueOf('correct'),
    costUsd: valueOf('cost_usd'),
    outputTokens: valueOf('output_tokens'),
  };
}

describe('a worker serving a synthetic-llm model', () => {
  let registry: RegistryFixture;
  let worker: RunningWorker;
  let jobs: JobClient;
  let directory: string;
  let outcomesFile: string;
  const heartbeats: WorkerHeartbeat[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'worker-synthetic-llm-'));
    outcomesFile = join(directory, `${MODEL}.jsonl`);
    const outcomes = [
      { prompt_sha256: sha256(CAPITAL), correct: 1, cost_usd: 0.00042 },
      { prompt_sha256: sha256(RIEMANN), correct: 0, cost_usd: 0.0125 },
    ];
    await writeFile(outcomesFile, `${outcomes.map((outcome) => JSON.stringify(outcome)).join('\n')}\n`);

    registry = await startRegistryFixture('worker-synthetic-llm');
    const { connection, names } = registry;
    connection.subscribe(names.workerHeartbeatSubject, {
      callback: (_error, message) => {
        heartbeats.push(fromBinary(WorkerHeartbeatSchema, message.data));
      },
    });
    await registry.client.registerModel({
      model: create(ModelSpecSchema, {
        name: MODEL,
        runtime: 'synthetic-llm',
        modality: Modality.TEXT,
        memoryBytes: 1_000_000n,
        inputs: [
          { name: 'text_input', datatype: 'BYTES', shape: [-1n] },
          { name: 'context', datatype: 'BYTES', shape: [-1n] },
          { name: 'max_tokens', datatype: 'INT32', shape: [-1n] },
        ],
        outputs: ['correct', 'cost_usd', 'output_tokens'].map((name) => ({
          name,
          datatype: 'FP32',
          shape: [-1n, 1n],
        })),
        // A 2 ms window lets concurrent prompts share a batch.
        batching: { mode: BatchingMode.DYNAMIC, maxBatchSize: 8, maxQueueDelayUs: 2_000 },
        runtimeOptions: {
          ttft_ms: '1',
          prefill_us_per_token: '1',
          decode_ms_per_token: '0.01',
          outcomes_file: outcomesFile,
        },
      }),
    });
    worker = await startTestWorker(registry, MODEL);
    await waitFor(() => heartbeats.at(-1)?.models.some((model) => model.name === MODEL), {
      timeoutMs: 15_000,
      message: `the worker to load ${MODEL}`,
    });
    jobs = createJobClient(connection, names, MODEL);
  });

  afterAll(async () => {
    jobs?.close();
    await worker?.stop();
    await registry?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("answers a prompt with that prompt's recorded correctness and cost, whatever else the request carries", async () => {
    const misleading: Prompt['parameters'] = {
      correct: { parameterChoice: { case: 'boolParam', value: false } },
      cost_usd: { parameterChoice: { case: 'doubleParam', value: 99 } },
      prompt_sha256: { parameterChoice: { case: 'stringParam', value: sha256(RIEMANN) } },
      temperature: { parameterChoice: { case: 'doubleParam', value: 0.9 } },
    };

    const [capital, riemann, capitalAgain] = await Promise.all([
      jobs.send(promptRequest({ prompt: CAPITAL, context: '', maxTokens: 16 })),
      jobs.send(promptRequest({ prompt: RIEMANN, context: '', maxTokens: 16 })),
      jobs.send(
        promptRequest({
          prompt: CAPITAL,
          context: `User: ${RIEMANN}\nAssistant: I cannot.`,
          maxTokens: 300,
          parameters: misleading,
        }),
      ),
    ]);

    expect(answerOf(capital)).toEqual({ correct: 1, costUsd: Math.fround(0.00042), outputTokens: 16 });
    expect(answerOf(riemann)).toEqual({ correct: 0, costUsd: Math.fround(0.0125), outputTokens: 16 });
    expect(answerOf(capitalAgain)).toEqual({ correct: 1, costUsd: Math.fround(0.00042), outputTokens: 300 });
  });

  it('answers a prompt it has no recorded outcome for FAILED_PRECONDITION, naming the outcomes file', async () => {
    const result = await jobs.send(
      promptRequest({ prompt: `${CAPITAL} Answer in French.`, context: '', maxTokens: 16 }),
    );

    expect(result.status).toMatchObject({
      code: StatusCode.FAILED_PRECONDITION,
      retryable: false,
      message: `1 of the 1 prompts of the batch have no recorded outcome in ${outcomesFile}`,
    });
    expect(result.response).toBeUndefined();
  });
});
