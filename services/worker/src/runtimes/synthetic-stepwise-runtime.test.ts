import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { ExecutionError, FailedPreconditionError, InvalidArgumentError } from '@switchboard/errors';
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
import type { FinishedSequence, StepwiseModel } from './runtime.js';
import { createSyntheticStepwiseRuntime } from './synthetic-stepwise-runtime.js';

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const startedAt = performance.now();
  const result = await work();
  return { result, elapsedMs: performance.now() - startedAt };
}

/** Steps until the sequence `id` finishes, collecting every sequence that finished on the way. */
async function stepUntilFinished(model: StepwiseModel, id: number): Promise<FinishedSequence[]> {
  const finished: FinishedSequence[] = [];
  while (!finished.some((sequence) => sequence.id === id)) finished.push(...(await model.step()));
  return finished;
}

describe('the synthetic-stepwise runtime', () => {
  let directory: string;
  let outcomesFile: string;

  function stepwiseSpec(options: Record<string, string> = {}, changes: SpecChanges = {}): ModelSpec {
    return create(ModelSpecSchema, {
      name: 'llama-2-70b-chat',
      runtime: 'synthetic-stepwise',
      memoryBytes: 1_000_000n,
      inputs: INPUTS,
      outputs: OUTPUTS,
      runtimeOptions: {
        ttft_ms: '0',
        prefill_us_per_token: '0',
        decode_ms_per_step: '0',
        decode_us_per_sequence: '0',
        outcomes_file: outcomesFile,
        ...options,
      },
      ...changes,
    });
  }

  async function loadStepwise(options: Record<string, string> = {}): Promise<StepwiseModel> {
    return (await createSyntheticStepwiseRuntime().load(stepwiseSpec(options))) as StepwiseModel;
  }

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'synthetic-stepwise-runtime-'));
    outcomesFile = join(directory, 'llama.jsonl');
    await writeRecordedOutcomes(outcomesFile);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('finishes a short sequence admitted while a long one runs first, and lets it leave at once', async () => {
    const model = await loadStepwise({ decode_ms_per_step: '1' });
    const [longId = -1] = await model.admit(batchOf([{ prompt: RIEMANN, maxTokens: 30 }]));
    for (let step = 0; step < 5; step += 1) expect(await model.step()).toEqual([]);

    const [shortId = -1] = await model.admit(batchOf([{ prompt: CAPITAL, maxTokens: 3 }]));
    const finished = await stepUntilFinished(model, shortId);

    expect(finished.map(({ id }) => id)).toEqual([shortId]);
    expect(model.activeSequences).toBe(1);
    const outputs = finished[0]?.outputs ?? [];
    expect(outputs.map(({ name, shape }) => ({ name, shape }))).toEqual(
      OUTPUTS.map(({ name }) => ({ name, shape: [1, 1] })),
    );
    expect([columnOf(outputs, 'correct'), columnOf(outputs, 'output_tokens')]).toEqual([[1], [3]]);
    // The long sequence had 5 + 3 of its 30 tokens when the short one left.
    expect((await stepUntilFinished(model, longId)).length).toBe(1);
    expect(model.activeSequences).toBe(0);
  });

  it('delays each answer by network_ms without slowing the steps of the sequences still decoding', async () => {
    const model = await loadStepwise({ decode_ms_per_step: '5', network_ms: '60' });
    const [longId = -1] = await model.admit(batchOf([{ prompt: RIEMANN, maxTokens: 30 }]));
    const [shortId = -1] = await model.admit(batchOf([{ prompt: CAPITAL, maxTokens: 2 }]));
    const startedAt = performance.now();
    const arrivals = new Map<number, number>();
    let steps = 0;
    while (arrivals.size < 2) {
      for (const sequence of await model.step()) arrivals.set(sequence.id, performance.now() - startedAt);
      steps += 1;
    }
    // The short answer arrives ~60 ms after its 2 steps (10 ms); the long one decodes on meanwhile
    // at 5 ms a step: 30 steps (150 ms) then the network (60 ms), not 30 steps after a stall.
    expect(arrivals.get(shortId)).toBeGreaterThanOrEqual(60);
    expect(arrivals.get(shortId)).toBeLessThan(140);
    expect(arrivals.get(longId)).toBeGreaterThanOrEqual(210);
    expect(arrivals.get(longId)).toBeLessThan(330);
    expect(steps).toBeGreaterThanOrEqual(30);
    expect(model.activeSequences).toBe(0);
  });

  it('makes a step take longer the more sequences are active in it', async () => {
    // 1 ms per step plus 3 ms per sequence: 4 ms with one sequence, 16 ms with five.
    const model = await loadStepwise({ decode_ms_per_step: '1', decode_us_per_sequence: '3000' });
    await model.admit(batchOf([{ prompt: RIEMANN, maxTokens: 100 }]));
    const alone = await timed(async () => {
      for (let step = 0; step < 4; step += 1) await model.step();
    });
    await model.admit(batchOf(Array.from({ length: 4 }, () => ({ prompt: CAPITAL, maxTokens: 100 }))));
    const shared = await timed(async () => {
      for (let step = 0; step < 4; step += 1) await model.step();
    });

    // Timers may fire up to a millisecond early by performance.now(), and late under load.
    expect(alone.elapsedMs).toBeGreaterThanOrEqual(4 * 4 - 1);
    expect(alone.elapsedMs).toBeLessThan(4 * 16 - 20);
    expect(shared.elapsedMs).toBeGreaterThanOrEqual(4 * 16 - 1);
  });

  it('takes as long as its longest sequence on infer, and answers each row with its recorded outcome', async () => {
    // One byte per token and 1 ms of prefill per token; 4 ms per step.
    const model = await loadStepwise({
      ttft_ms: '3',
      prefill_us_per_token: '1000',
      bytes_per_token: '1',
      decode_ms_per_step: '4',
    });
    const sequences = [
      { prompt: RIEMANN, maxTokens: 2 },
      { prompt: CAPITAL, context: 'x'.repeat(10), maxTokens: 10 },
      { prompt: CAPITAL, maxTokens: 0 },
    ];
    const prefillMs =
      3 + sequences.reduce((sum, s) => sum + utf8(s.prompt).length + (s.context ?? '').length, 0);
    const longestMs = prefillMs + 10 * 4;
    const oneByOneMs = 3 * 3 + (prefillMs - 3) + (2 + 10) * 4;

    const { result, elapsedMs } = await timed(() => model.infer(batchOf(sequences)));

    expect(elapsedMs).toBeGreaterThanOrEqual(longestMs - 1);
    expect(elapsedMs).toBeLessThan(oneByOneMs - 8);
    expect(model).toMatchObject({ synthetic: true, footprintBytes: 1_000_000, activeSequences: 0 });
    expect(result.outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape }))).toEqual(
      OUTPUTS.map(({ name }) => ({ name, datatype: 'FP32', shape: [3, 1] })),
    );
    expect(columnOf(result.outputs, 'correct')).toEqual([0, 1, 1]);
    expect(columnOf(result.outputs, 'cost_usd')).toEqual([0.0125, 0.00042, 0.00042].map(Math.fround));
    expect(columnOf(result.outputs, 'output_tokens')).toEqual([2, 10, 0]);
  });

  it('runs simulated time speedup times faster than the clock', async () => {
    const model = await loadStepwise({ decode_ms_per_step: '40', speedup: '10' });

    const { elapsedMs } = await timed(() => model.infer(batchOf([{ prompt: CAPITAL, maxTokens: 5 }])));

    expect(elapsedMs).toBeGreaterThanOrEqual(20 - 1);
    expect(elapsedMs).toBeLessThan(100);
  });

  it('takes load_ms to load, a simulated cold start', async () => {
    const { elapsedMs } = await timed(() => loadStepwise({ load_ms: '60' }));

    expect(elapsedMs).toBeGreaterThanOrEqual(60);
  });

  it('refuses a call made while another is still running', async () => {
    const model = await loadStepwise({ ttft_ms: '5', decode_ms_per_step: '5' });
    const admitting = model.admit(batchOf([{ prompt: CAPITAL, maxTokens: 2 }]));

    await expect(model.step()).rejects.toThrow(ExecutionError);
    await admitting;
    await expect(model.step()).resolves.toEqual([]);
  });

  it('fails rows without a recorded outcome or with negative max_tokens, before admitting any', async () => {
    const model = await loadStepwise();

    const unrecorded = model.admit(
      batchOf([
        { prompt: UNRECORDED, maxTokens: 1 },
        { prompt: CAPITAL, maxTokens: 1 },
      ]),
    );
    await expect(unrecorded).rejects.toThrow(FailedPreconditionError);
    await expect(unrecorded).rejects.toThrow(
      `1 of the 2 prompts of the batch have no recorded outcome in ${outcomesFile}`,
    );
    await expect(model.infer(batchOf([{ prompt: CAPITAL, maxTokens: -1 }]))).rejects.toThrow(
      new InvalidArgumentError('max_tokens must be >= 0, got -1'),
    );
    expect(model.activeSequences).toBe(0);
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
      'declares output text_output; synthetic-stepwise outputs are correct, cost_usd, output_tokens',
    ],
    [
      'with an output that is not FP32',
      { outputs: [{ name: 'correct', datatype: 'INT32', shape: [-1n, 1n] }] },
      'declares output correct as INT32 [-1, 1]; synthetic-stepwise outputs are FP32 [-1, 1]',
    ],
  ])('refuses at load a spec %s', async (_, changes, problem) => {
    const loading = createSyntheticStepwiseRuntime().load(stepwiseSpec({}, changes));

    await expect(loading).rejects.toThrow(FailedPreconditionError);
    await expect(loading).rejects.toThrow(`synthetic-stepwise model llama-2-70b-chat ${problem}`);
  });

  it.each([
    [
      'a malformed decode time',
      { decode_ms_per_step: 'soon' },
      'decode_ms_per_step="soon" must be a number >= 0',
    ],
    ['a missing per-sequence cost', { decode_us_per_sequence: '' }, 'decode_us_per_sequence is required'],
    ['a speedup of 0', { speedup: '0' }, 'speedup="0" must be > 0'],
    [
      'a relative outcomes file',
      { outcomes_file: 'llama.jsonl' },
      'outcomes_file="llama.jsonl" must be an absolute path',
    ],
    [
      'the per-token decode of synthetic-llm',
      { decode_ms_per_token: '20' },
      'decode_ms_per_token is not known',
    ],
  ])('refuses at load %s, naming the option', async (_, change, problem) => {
    const loading = createSyntheticStepwiseRuntime().load(stepwiseSpec(change));

    await expect(loading).rejects.toThrow(FailedPreconditionError);
    await expect(loading).rejects.toThrow(`synthetic-stepwise runtime option ${problem}`);
  });

  it('refuses at load an outcomes file it cannot read', async () => {
    const missing = join(directory, 'missing.jsonl');

    await expect(
      createSyntheticStepwiseRuntime().load(stepwiseSpec({ outcomes_file: missing })),
    ).rejects.toThrow(`cannot read outcomes file ${missing}`);
  });
});
