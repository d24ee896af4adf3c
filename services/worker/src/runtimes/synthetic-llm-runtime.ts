import { setTimeout as sleep } from 'node:timers/promises';
import { FailedPreconditionError } from '@switchboard/errors';
import type { ModelSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import { parseLlmOptions } from './parse-llm-options.js';
import type { LlmTiming, ResolvedLlmOptions } from './parse-llm-options.js';
import { readLlmOutcomes } from './read-llm-outcomes.js';
import type { LlmOutcome } from './read-llm-outcomes.js';
import { describeLlmSpecProblem, readSequenceRows, toOutputTensors } from './llm-tensors.js';
import type { SequenceRow } from './llm-tensors.js';
import type { BatchOutput, LoadedModel, Runtime } from './runtime.js';
import { createSeededRandom } from './create-seeded-random.js';
import { simulateLoad } from './simulate-load.js';

/** Node turns a longer timer into a 1 ms one (TimeoutOverflowWarning), which would skip the wait. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * How long a simulated LLM takes for one sequence: time to first token, plus prefill of the input
 * tokens, plus decode of the output tokens, times a jitter factor of 1 + jitter × (draw − 0.5).
 * @param draw a uniform number in [0, 1); the default 0.5 leaves the latency unjittered.
 * @returns milliseconds.
 */
export function llmLatencyMs(
  timing: LlmTiming,
  inputTokens: number,
  outputTokens: number,
  draw = 0.5,
): number {
  const latencyMs =
    timing.ttftMs + (inputTokens * timing.prefillUsPerToken) / 1000 + outputTokens * timing.decodeMsPerToken;
  return latencyMs * (1 + timing.jitter * (draw - 0.5));
}

class SyntheticLlmModel implements LoadedModel {
  readonly footprintBytes: number;
  readonly synthetic = true;
  readonly #random: () => number;

  constructor(
    private readonly spec: ModelSpec,
    private readonly options: ResolvedLlmOptions,
    private readonly outcomes: ReadonlyMap<string, LlmOutcome>,
  ) {
    this.footprintBytes = Number(spec.memoryBytes);
    this.#random = createSeededRandom(options.seed);
  }

  async infer(inputs: Tensor[]): Promise<BatchOutput> {
    const rows = readSequenceRows(inputs, this.outcomes, { ...this.options, modelName: this.spec.name });
    await sleep(Math.min(this.#batchLatencyMs(rows), MAX_TIMER_MS));
    return { outputs: toOutputTensors(this.spec, rows) };
  }

  /** The batch's sequences run concurrently, so the batch takes as long as its slowest one. */
  #batchLatencyMs(rows: readonly SequenceRow[]): number {
    const latencies = rows.map((row) =>
      llmLatencyMs(this.options.timing, row.inputTokens, row.maxTokens, this.#random()),
    );
    return Math.max(0, ...latencies);
  }

  async unload(): Promise<void> {}
}

/**
 * The `synthetic-llm` runtime: simulates an LLM answering benchmark prompts. Each prompt gets the
 * outcome (correctness and cost) recorded for it in the model's `outcomes_file`, after a latency of
 * time to first token, prefill and decode; a batch is a set of concurrent sequences and takes as long
 * as its slowest one. Every answer is flagged synthetic; the footprint is the spec's `memory_bytes`
 * and `load_ms` simulates a cold start. Options: see `parseLlmOptions`.
 * @throws FailedPreconditionError at load when the spec's tensors, its options or its outcomes file
 *   are unusable, and from `infer` when a prompt of the batch has no recorded outcome.
 */
export function createSyntheticLlmRuntime(): Runtime {
  return {
    name: 'synthetic-llm',
    async load(spec) {
      const problem = describeLlmSpecProblem(spec, 'synthetic-llm');
      if (problem !== undefined)
        throw new FailedPreconditionError(`synthetic-llm model ${spec.name} ${problem}`);
      const options = parseLlmOptions(spec.runtimeOptions);
      const outcomes = await readLlmOutcomes(options.outcomesFile);
      await simulateLoad(options.loadMs);
      return new SyntheticLlmModel(spec, options, outcomes);
    },
  };
}
