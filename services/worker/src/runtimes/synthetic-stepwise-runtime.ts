import { FailedPreconditionError } from '@switchboard/errors';
import type { ModelSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import { readLlmOutcomes } from './read-llm-outcomes.js';
import type { LlmOutcome } from './read-llm-outcomes.js';
import type { BatchOutput, FinishedSequence, Runtime, StepwiseModel } from './runtime.js';
import { simulateLoad } from './simulate-load.js';
import { StepwiseEngine } from './synthetic-stepwise-engine.js';
import { parseStepwiseOptions } from './synthetic-stepwise-options.js';
import type { ResolvedStepwiseOptions } from './synthetic-stepwise-options.js';
import { describeLlmSpecProblem, readSequenceRows, toOutputTensors } from './llm-tensors.js';

class SyntheticStepwiseModel implements StepwiseModel {
  readonly footprintBytes: number;
  readonly synthetic = true;
  readonly #engine: StepwiseEngine;

  constructor(
    private readonly spec: ModelSpec,
    private readonly options: ResolvedStepwiseOptions,
    private readonly outcomes: ReadonlyMap<string, LlmOutcome>,
  ) {
    this.footprintBytes = Number(spec.memoryBytes);
    this.#engine = this.#createEngine();
  }

  get activeSequences(): number {
    return this.#engine.activeSequences;
  }

  async admit(inputs: Tensor[]): Promise<number[]> {
    return this.#engine.admit(
      readSequenceRows(inputs, this.outcomes, { ...this.options, modelName: this.spec.name }),
    );
  }

  async step(): Promise<FinishedSequence[]> {
    const finished = await this.#engine.step();
    return finished.map(({ id, row }) => ({ id, outputs: toOutputTensors(this.spec, [row]) }));
  }

  /**
   * Runs the batch as one static batch on an engine of its own: admits every row, steps until the
   * longest sequence finishes, and answers all rows together.
   */
  async infer(inputs: Tensor[]): Promise<BatchOutput> {
    const rows = readSequenceRows(inputs, this.outcomes, { ...this.options, modelName: this.spec.name });
    const engine = this.#createEngine();
    await engine.admit(rows);
    while (engine.activeSequences > 0) await engine.step();
    return { outputs: toOutputTensors(this.spec, rows) };
  }

  async unload(): Promise<void> {}

  #createEngine(): StepwiseEngine {
    return new StepwiseEngine(this.spec.name, this.options.timing, this.options.speedup);
  }
}

/**
 * The `synthetic-stepwise` runtime: a simulated LLM that runs step by step, for continuous
 * batching. Its models are `StepwiseModel`s: `admit` pays `ttft_ms` plus prefill per input token,
 * each `step` decodes one token of every active sequence for `decode_ms_per_step` plus
 * `decode_us_per_sequence` per sequence, and finished sequences leave at once. `infer` runs a batch
 * as one static batch, so it takes as long as its longest sequence. Answers are the outcomes
 * recorded for each prompt, as in `synthetic-llm`, and always flagged synthetic; the footprint is the
 * spec's `memory_bytes` and `load_ms` simulates a cold start. Options: see `parseStepwiseOptions`.
 * @throws FailedPreconditionError at load when the spec's tensors, its options or its outcomes file
 *   are unusable, and from `infer` and `admit` when a prompt has no recorded outcome.
 */
export function createSyntheticStepwiseRuntime(): Runtime {
  return {
    name: 'synthetic-stepwise',
    async load(spec) {
      const problem = describeLlmSpecProblem(spec, 'synthetic-stepwise');
      if (problem !== undefined) {
        throw new FailedPreconditionError(`synthetic-stepwise model ${spec.name} ${problem}`);
      }
      const options = parseStepwiseOptions(spec.runtimeOptions);
      const outcomes = await readLlmOutcomes(options.outcomesFile);
      await simulateLoad(options.loadMs);
      return new SyntheticStepwiseModel(spec, options, outcomes);
    },
  };
}
