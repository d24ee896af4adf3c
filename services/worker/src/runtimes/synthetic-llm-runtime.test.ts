import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { FailedPreconditionError, InvalidArgumentError } from '@switchboard/errors';
import { ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchOf,
  CAPITAL,
  columnOf,
  LLM_INPUTS as INPUTS,
  LLM_OUTPUTS as OUTPUTS,
  RIEMANN,
  UNRECORDED,
  utf8,
  writeRecordedOutcomes,
} from './__fixtures__/llm-batches.js';

type SpecChanges = MessageInitShape<typeof ModelSpecSchema>;
import { createSyntheticLlmRuntime, llmLatencyMs } from './synthetic-llm-runtime.js';

describe('llmLatencyMs', () => {
  const timing = { ttftMs: 200, prefillUsPerToken: 100, decodeMsPerToken: 20, jitter: 0.2 };

  it('adds time to first token, prefill per input token and decode per output token', () => {
    expect(llmLatencyMs({ ...timing, jitter: 0 }, 1000, 50)).toBe(200 + 100 + 1000);
  });

  it('scales the latency by 1 + jitter × (draw − 0.5), leaving it as it is by default', () => {
    expect(llmLatencyMs(timing, 1000, 50)).toBe(1300);
    expect(llmLatencyMs(timing, 1000, 50, 0)).toBeCloseTo(1300 * 0.9, 9);
    expect(llmLatencyMs(timing, 1000, 50, 0.75)).toBeCloseTo(1300 * 1.05, 9);
  });
});

describe('the synthetic-llm runtime', () => {
  let directory: string;
  let outcomesFile: string;

  function llmSpec(options: Record<string, string> = {}, changes: SpecChanges = {}): ModelSpec {
    return create(ModelSpecSchema, {
      name: 'gpt-4',
      runtime: 'synthetic-llm',
      memoryBytes: 1_000_000n,
      inputs: INPUTS,
      outputs: OUTPUTS,
      runtimeOptions: {
        ttft_ms: '0',
        prefill_us_per_token: '0',
        decode_ms_per_token: '0',
        outcomes_file: outcomesFile,
        ...options,
      },
      ...changes,
    });
  }

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'synthetic-llm-runtime-'));
    outcomesFile = join(directory, 'gpt-4.jsonl');
    await writeRecordedOutcomes(outcomesFile);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("answers each row of a batch with its own prompt's recorded outcome and its max_tokens as output tokens", async () => {
    const model = await createSyntheticLlmRuntime().load(llmSpec());

    const { outputs, confidences } = await model.infer(
      batchOf([
        { prompt: RIEMANN, maxTokens: 7 },
        { prompt: CAPITAL, context: RIEMANN, maxTokens: 0 },
        { prompt: CAPITAL, maxTokens: 512 },
      ]),
    );

    expect(model).toMatchObject({ synthetic: true, footprintBytes: 1_000_000 });
    expect(outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape }))).toEqual(
      OUTPUTS.map(({ name }) => ({ name, datatype: 'FP32', shape: [3, 1] })),
    );
    expect(columnOf(outputs, 'correct')).toEqual([0, 1, 1]);
    expect(columnOf(outputs, 'cost_usd')).toEqual([0.0125, 0.00042, 0.00042].map(Math.fround));
    expect(columnOf(outputs, 'output_tokens')).toEqual([7, 0, 512]);
    expect(confidences).toBeUndefined();
  });

  it('takes load_ms to load, a simulated cold start', async () => {
    const startedAt = performance.now();
    await createSyntheticLlmRuntime().load(llmSpec({ load_ms: '120' }));

    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(120);
  });

  it('waits for the slowest sequence of a batch, not their sum, counting context bytes as input tokens', async () => {
    // One byte per token and 1 ms per token either way, so each sequence's latency is easy to add up.
    const model = await createSyntheticLlmRuntime().load(
      llmSpec({ prefill_us_per_token: '1000', decode_ms_per_token: '1', bytes_per_token: '1' }),
    );
    const context = 'x'.repeat(60);
    const slowestMs = utf8(CAPITAL).length + context.length;
    const sumMs = utf8(RIEMANN).length + 50 + slowestMs;

    const startedAt = performance.now();
    await model.infer(
      batchOf([
        { prompt: RIEMANN, maxTokens: 50 },
        { prompt: CAPITAL, context, maxTokens: 0 },
      ]),
    );
    const elapsedMs = performance.now() - startedAt;

    // Timers may fire up to a millisecond early by performance.now().
    expect(elapsedMs).toBeGreaterThanOrEqual(slowestMs - 1);
    expect(elapsedMs).toBeLessThan(sumMs - 20);
  });

  it('fails a batch holding prompts without a recorded outcome, saying how many and in which file', async () => {
    const model = await createSyntheticLlmRuntime().load(llmSpec());

    const answering = model.infer(
      batchOf([
        { prompt: UNRECORDED, maxTokens: 1 },
        { prompt: CAPITAL, maxTokens: 1 },
        { prompt: `${CAPITAL} `, maxTokens: 1 },
      ]),
    );

    await expect(answering).rejects.toThrow(FailedPreconditionError);
    await expect(answering).rejects.toMatchObject({
      retryable: false,
      message: `2 of the 3 prompts of the batch have no recorded outcome in ${outcomesFile}`,
    });
  });

  it('fails a batch asking for a negative number of tokens', async () => {
    const model = await createSyntheticLlmRuntime().load(llmSpec());

    await expect(model.infer(batchOf([{ prompt: CAPITAL, maxTokens: -1 }]))).rejects.toThrow(
      new InvalidArgumentError('max_tokens must be >= 0, got -1'),
    );
  });

  it.each<[string, SpecChanges, string]>([
    ['without text_input', { inputs: INPUTS.slice(1) }, 'needs input text_input (BYTES, shape [-1])'],
    [
      'with max_tokens as INT64',
      { inputs: [...INPUTS.slice(0, 2), { name: 'max_tokens', datatype: 'INT64', shape: [-1n] }] },
      'declares input max_tokens as INT64 [-1]; it must be INT32 [-1]',
    ],
    [
      'with an output it does not produce',
      { outputs: [...OUTPUTS, { name: 'text_output', datatype: 'BYTES', shape: [-1n] }] },
      'declares output text_output; synthetic-llm outputs are correct, cost_usd, output_tokens',
    ],
    [
      'with an output that is not FP32',
      { outputs: [{ name: 'correct', datatype: 'INT32', shape: [-1n, 1n] }] },
      'declares output correct as INT32 [-1, 1]; synthetic-llm outputs are FP32 [-1, 1]',
    ],
  ])('refuses at load a spec %s', async (_, changes, problem) => {
    const spec = llmSpec({}, changes);

    const loading = createSyntheticLlmRuntime().load(spec);

    await expect(loading).rejects.toThrow(FailedPreconditionError);
    await expect(loading).rejects.toThrow(`synthetic-llm model gpt-4 ${problem}`);
  });

  it('refuses at load malformed options and an outcomes file it cannot read', async () => {
    const missing = join(directory, 'missing.jsonl');

    await expect(createSyntheticLlmRuntime().load(llmSpec({ ttft_ms: 'soon' }))).rejects.toThrow(
      'synthetic-llm runtime option ttft_ms="soon" must be a number >= 0',
    );
    await expect(createSyntheticLlmRuntime().load(llmSpec({ outcomes_file: missing }))).rejects.toThrow(
      `cannot read outcomes file ${missing}`,
    );
  });
});
