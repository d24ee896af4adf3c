import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { create } from '@bufbuild/protobuf';
import { ExecutionError, FailedPreconditionError } from '@switchboard/errors';
import { ModelSpecSchema } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContinuousBatcher } from './continuous-batcher.js';
import type { ContinuousBatcherOptions, StepReport } from './continuous-batcher.js';
import {
  batchOf,
  CAPITAL,
  LLM_INPUTS,
  LLM_OUTPUTS,
  RIEMANN,
  UNRECORDED,
  columnOf,
  writeRecordedOutcomes,
} from './runtimes/__fixtures__/llm-batches.js';
import type { Sequence } from './runtimes/__fixtures__/llm-batches.js';
import type { StepwiseModel } from './runtimes/runtime.js';
import { createSyntheticStepwiseRuntime } from './runtimes/synthetic-stepwise-runtime.js';

/** A job of the tests: its sequences (one per row), prefill tokens and deadline. */
interface TestJob {
  name: string;
  sequences: Sequence[];
  /** @default 1 */
  tokens?: number;
  /** Deadline, ms after the job is pushed. */
  deadlineInMs?: number;
}

const job = (name: string, maxTokens: number, changes: Partial<TestJob> = {}): TestJob => ({
  name,
  sequences: [{ prompt: CAPITAL, maxTokens }],
  ...changes,
});

describe('ContinuousBatcher', () => {
  let directory: string;
  let outcomesFile: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'continuous-batcher-'));
    outcomesFile = join(directory, 'llm.jsonl');
    await writeRecordedOutcomes(outcomesFile);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  /** A synthetic-stepwise model: each step takes `decodeMsPerStep`, admission `ttftMs`. */
  async function loadModel(decodeMsPerStep = 1, ttftMs = 0): Promise<StepwiseModel> {
    const spec = create(ModelSpecSchema, {
      name: 'stepwise',
      runtime: 'synthetic-stepwise',
      inputs: LLM_INPUTS,
      outputs: LLM_OUTPUTS,
      runtimeOptions: {
        ttft_ms: String(ttftMs),
        prefill_us_per_token: '0',
        decode_ms_per_step: String(decodeMsPerStep),
        decode_us_per_sequence: '0',
        outcomes_file: outcomesFile,
      },
    });
    return (await createSyntheticStepwiseRuntime().load(spec)) as StepwiseModel;
  }

  /** A batcher over `model` recording what it admits, steps, answers, fails and expires. */
  function recordingBatcher(
    model: StepwiseModel,
    options: Partial<Pick<ContinuousBatcherOptions<TestJob>, 'maxSequences' | 'maxStepTokens'>> = {},
  ) {
    const admissions: { names: string[]; runningBefore: number; tokens: number }[] = [];
    const finished: string[] = [];
    const outputTokens = new Map<string, number[]>();
    const failed: { name: string; error: unknown }[] = [];
    const expired: string[] = [];
    const steps: StepReport<TestJob>[] = [];
    let leases = 0;
    let released = 0;
    const deadlines = new Map<TestJob, number>();
    const batcher = new ContinuousBatcher<TestJob>({
      maxSequences: 8,
      maxStepTokens: Infinity,
      ...options,
      priorityLevels: 3,
      deadlineUnixMs: (item) => deadlines.get(item),
      onExpired: (item) => expired.push(item.name),
      tokensOf: (item) => item.tokens ?? 1,
      inputsOf: (item) => batchOf(item.sequences),
      acquire: async () => {
        leases += 1;
        return { model, release: () => void (released += 1) };
      },
      traceAdmission: (items, admit) => {
        const tokens = items.reduce((sum, item) => sum + (item.tokens ?? 1), 0);
        admissions.push({
          names: items.map((item) => item.name),
          runningBefore: model.activeSequences,
          tokens,
        });
        return admit();
      },
      onStep: (report) => {
        steps.push(report);
        for (const done of report.finished) {
          finished.push(done.item.name);
          outputTokens.set(done.item.name, columnOf(done.outputs, 'output_tokens'));
        }
      },
      onFailed: (failures) => failed.push(...failures.map(({ item, error }) => ({ name: item.name, error }))),
    });
    const push = (item: TestJob, level = 1) => {
      if (item.deadlineInMs !== undefined) deadlines.set(item, Date.now() + item.deadlineInMs);
      batcher.push(item, level);
    };
    const leasesHeld = () => leases - released;
    return { batcher, push, admissions, finished, outputTokens, failed, expired, steps, leasesHeld };
  }

  it('finishes a short job that arrives while a long one runs first, without waiting for the long one', async () => {
    const { batcher, push, admissions, finished, outputTokens } = recordingBatcher(await loadModel(1));
    push(job('long', 150));
    await sleep(30);
    push(job('short', 5));
    await batcher.flush();

    expect(admissions.map(({ names }) => names)).toEqual([['long'], ['short']]);
    expect(finished).toEqual(['short', 'long']);
    expect(outputTokens).toEqual(
      new Map([
        ['short', [5]],
        ['long', [150]],
      ]),
    );
  });

  it('never runs more sequences at once than maxSequences, and answers every job once', async () => {
    const model = await loadModel(1);
    const { batcher, push, admissions, finished, steps, outputTokens } = recordingBatcher(model, {
      maxSequences: 3,
    });
    const lengths = [12, 3, 7, 20, 1, 9, 4, 15];
    lengths.forEach((maxTokens, index) => push(job(`job-${index}`, maxTokens)));
    // A job of two rows counts as two sequences.
    push({
      name: 'pair',
      sequences: [
        { prompt: CAPITAL, maxTokens: 2 },
        { prompt: RIEMANN, maxTokens: 6 },
      ],
    });
    await batcher.flush();

    const admitted = admissions.map(({ names, runningBefore }) => {
      const rows = names.reduce((sum, name) => sum + (name === 'pair' ? 2 : 1), 0);
      return runningBefore + rows;
    });
    expect(Math.max(...admitted)).toBe(3);
    expect(Math.max(...steps.map((step) => step.sequences))).toBe(3);
    expect([...finished].sort()).toEqual([...lengths.map((_, index) => `job-${index}`), 'pair'].sort());
    // The pair finished once its longer row did, with its rows' outputs in row order.
    expect(outputTokens.get('pair')).toEqual([2, 6]);
    expect(model.activeSequences).toBe(0);
  });

  it('keeps the tokens of every step within maxStepTokens: decoding sequences plus joining prefills', async () => {
    const { batcher, push, admissions, finished } = recordingBatcher(await loadModel(1), {
      maxStepTokens: 20,
    });
    for (let index = 0; index < 6; index += 1) push(job(`job-${index}`, 10 + index, { tokens: 8 }));
    await batcher.flush();

    expect(admissions.length).toBeGreaterThan(2);
    for (const { runningBefore, tokens } of admissions)
      expect(runningBefore + tokens).toBeLessThanOrEqual(20);
    expect(finished).toHaveLength(6);
  });

  it('runs a job larger than the token budget alone, and lets others join once it decodes', async () => {
    const { batcher, push, admissions, finished } = recordingBatcher(await loadModel(1), {
      maxStepTokens: 10,
    });
    push(job('oversized', 20, { tokens: 50 }));
    push(job('small', 3, { tokens: 5 }));
    await batcher.flush();

    expect(admissions).toEqual([
      { names: ['oversized'], runningBefore: 0, tokens: 50 },
      { names: ['small'], runningBefore: 1, tokens: 5 },
    ]);
    expect(finished).toEqual(['small', 'oversized']);
  });

  it('answers a waiting job whose deadline passes as expired and never admits it', async () => {
    const { batcher, push, admissions, finished, expired } = recordingBatcher(await loadModel(1), {
      maxSequences: 1,
    });
    push(job('long', 80));
    push(job('impatient', 1, { deadlineInMs: 30 }));
    push(job('patient', 1, { deadlineInMs: 10_000 }));
    await batcher.flush();

    expect(expired).toEqual(['impatient']);
    expect(admissions.flatMap(({ names }) => names)).toEqual(['long', 'patient']);
    expect(finished).toEqual(['long', 'patient']);
  });

  it('admits a higher-priority job before a lower-priority one that waited longer', async () => {
    const { batcher, push, admissions } = recordingBatcher(await loadModel(1), { maxSequences: 1 });
    push(job('running', 20), 2);
    await sleep(5);
    push(job('low', 1), 2);
    push(job('high', 1), 0);
    await batcher.flush();

    expect(admissions.map(({ names }) => names)).toEqual([['running'], ['high'], ['low']]);
  });

  it('fails only the jobs of a failed admission, while the running ones finish', async () => {
    const { batcher, push, finished, failed } = recordingBatcher(await loadModel(1));
    push(job('running', 30));
    await sleep(10);
    push({ name: 'unrecorded', sequences: [{ prompt: UNRECORDED, maxTokens: 3 }] });
    await batcher.flush();

    expect(failed.map(({ name }) => name)).toEqual(['unrecorded']);
    expect(failed[0]?.error).toBeInstanceOf(FailedPreconditionError);
    expect(finished).toEqual(['running']);
  });

  it('fails the running jobs when a step fails, and goes on with the jobs that arrive later', async () => {
    const model = await loadModel(1);
    let stepsToFailure = 5;
    // A runtime failure in the middle of a step, as a real accelerator may have.
    const failing: StepwiseModel = {
      footprintBytes: model.footprintBytes,
      synthetic: model.synthetic,
      get activeSequences() {
        return model.activeSequences;
      },
      admit: (inputs) => model.admit(inputs),
      step: async () => {
        stepsToFailure -= 1;
        if (stepsToFailure === 0) throw new ExecutionError('the accelerator fell over', { retryable: true });
        return model.step();
      },
      infer: (inputs) => model.infer(inputs),
      unload: () => model.unload(),
    };
    const { batcher, push, finished, failed } = recordingBatcher(failing);
    push(job('first', 20));
    push(job('second', 30));
    await batcher.flush();
    push(job('later', 3));
    await batcher.flush();

    expect(failed.map(({ name }) => name).sort()).toEqual(['first', 'second']);
    expect(finished).toEqual(['later']);
  });

  it('releases the model once nothing waits or runs, and takes it again for the next job', async () => {
    const { batcher, push, finished, leasesHeld } = recordingBatcher(await loadModel(1));
    push(job('one', 3));
    await sleep(0);
    expect(batcher.held()).toHaveLength(1);
    await batcher.flush();
    expect(leasesHeld()).toBe(0);
    push(job('two', 3));
    await batcher.flush();

    expect(finished).toEqual(['one', 'two']);
    expect(leasesHeld()).toBe(0);
    expect(batcher.held()).toEqual([]);
  });

  it('reports each step that finished sequences with the sequences active in it', async () => {
    const { batcher, push, steps } = recordingBatcher(await loadModel(2));
    push(job('a', 2));
    push(job('b', 4));
    push(job('c', 4));
    await batcher.flush();

    expect(steps.map((step) => [step.sequences, step.finished.map((done) => done.item.name)])).toEqual([
      [3, ['a']],
      [2, ['b', 'c']],
    ]);
    // Admission to finish of a 4-token sequence: four steps of 2 ms.
    for (const sequence of steps[1]?.finishedSequences ?? [])
      expect(sequence.executeUs).toBeGreaterThanOrEqual(7_000);
  });
});
