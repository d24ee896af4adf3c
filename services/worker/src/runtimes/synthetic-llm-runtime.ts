import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutionError, FailedPreconditionError, InvalidArgumentError } from '@switchboard/errors';
import type { ModelSpec, TensorSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import { parseLlmOptions } from './parse-llm-options.js';
import type { LlmTiming, ResolvedLlmOptions } from './parse-llm-options.js';
import { readLlmOutcomes } from './read-llm-outcomes.js';
import type { LlmOutcome } from './read-llm-outcomes.js';
import type { BatchOutput, LoadedModel, Runtime } from './runtime.js';
import { createSeededRandom } from './create-seeded-random.js';
import { simulateLoad } from './simulate-load.js';

/** The inputs the runtime reads, with their datatypes; `context` may be left out of a spec. */
const LLM_INPUTS: Readonly<Record<string, string>> = {
  text_input: 'BYTES',
  context: 'BYTES',
  max_tokens: 'INT32',
};
const REQUIRED_INPUTS = ['text_input', 'max_tokens'];
const LLM_OUTPUTS = ['correct', 'cost_usd', 'output_tokens'] as const;
type LlmOutputName = (typeof LLM_OUTPUTS)[number];

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

/** Rows index the data directly only when every dimension after the batch one is 1. */
function holdsOneElementPerRow(tensor: TensorSpec): boolean {
  return tensor.shape.length >= 1 && tensor.shape.slice(1).every((dimension) => dimension === 1n);
}

/** Says what in a spec the runtime cannot serve, or returns undefined when it can serve it. */
function describeSpecProblem(spec: ModelSpec): string | undefined {
  const missing = REQUIRED_INPUTS.find((name) => !spec.inputs.some((input) => input.name === name));
  if (missing !== undefined) return `needs input ${missing} (${LLM_INPUTS[missing]}, shape [-1])`;
  for (const input of spec.inputs) {
    const datatype = LLM_INPUTS[input.name];
    if (datatype !== undefined && (input.datatype !== datatype || !holdsOneElementPerRow(input))) {
      return `declares input ${input.name} as ${input.datatype} [${input.shape.join(', ')}]; it must be ${datatype} [-1]`;
    }
  }
  for (const output of spec.outputs) {
    if (!(LLM_OUTPUTS as readonly string[]).includes(output.name)) {
      return `declares output ${output.name}; synthetic-llm outputs are ${LLM_OUTPUTS.join(', ')}`;
    }
    if (output.datatype !== 'FP32' || !holdsOneElementPerRow(output)) {
      return `declares output ${output.name} as ${output.datatype} [${output.shape.join(', ')}]; synthetic-llm outputs are FP32 [-1, 1]`;
    }
  }
  return undefined;
}

function findInput(inputs: readonly Tensor[], name: string): Tensor['data'] | undefined {
  return inputs.find((tensor) => tensor.name === name)?.data;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** One FP32 value per row, shaped as the output declares ([rows] or [rows, 1]). */
function toColumn(spec: TensorSpec, values: readonly number[]): Tensor {
  const shape = [values.length, ...spec.shape.slice(1).map(() => 1)];
  return { name: spec.name, datatype: 'FP32', shape, data: Float32Array.from(values) };
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
    const prompts = findInput(inputs, 'text_input');
    const contexts = findInput(inputs, 'context');
    const maxTokens = findInput(inputs, 'max_tokens');
    // Load checked the spec, and the worker decodes every job against it before it gets here.
    if (!Array.isArray(prompts) || !(maxTokens instanceof Int32Array)) {
      throw new ExecutionError(`synthetic-llm model ${this.spec.name} got a batch without its inputs`, {
        retryable: false,
      });
    }
    // Unrecorded prompts drop out here, so the shortfall counts them.
    const outcomes = prompts.flatMap((prompt) => this.outcomes.get(sha256Hex(prompt)) ?? []);
    if (outcomes.length < prompts.length) {
      throw new FailedPreconditionError(
        `${prompts.length - outcomes.length} of the ${prompts.length} prompts of the batch have no ` +
          `recorded outcome in ${this.options.outcomesFile}`,
      );
    }
    const negativeRow = maxTokens.findIndex((tokens) => tokens < 0);
    if (negativeRow >= 0) {
      throw new InvalidArgumentError(`max_tokens must be >= 0, got ${maxTokens[negativeRow]}`);
    }
    const outputTokens = Array.from(maxTokens);
    await sleep(Math.min(this.#batchLatencyMs(prompts, contexts, outputTokens), MAX_TIMER_MS));
    const columns: Record<LlmOutputName, number[]> = {
      correct: outcomes.map((outcome) => outcome.correct),
      cost_usd: outcomes.map((outcome) => outcome.costUsd),
      output_tokens: outputTokens,
    };
    return {
      outputs: this.spec.outputs.map((output) => toColumn(output, columns[output.name as LlmOutputName])),
    };
  }

  /** The batch's sequences run concurrently, so the batch takes as long as its slowest one. */
  #batchLatencyMs(
    prompts: readonly Uint8Array[],
    contexts: Tensor['data'] | undefined,
    outputTokens: readonly number[],
  ): number {
    const { timing, bytesPerToken } = this.options;
    const latencies = prompts.map((prompt, row) => {
      const contextBytes = Array.isArray(contexts) ? (contexts[row]?.byteLength ?? 0) : 0;
      const inputTokens = Math.ceil((prompt.byteLength + contextBytes) / bytesPerToken);
      return llmLatencyMs(timing, inputTokens, outputTokens[row] ?? 0, this.#random());
    });
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
      const problem = describeSpecProblem(spec);
      if (problem !== undefined)
        throw new FailedPreconditionError(`synthetic-llm model ${spec.name} ${problem}`);
      const options = parseLlmOptions(spec.runtimeOptions);
      const outcomes = await readLlmOutcomes(options.outcomesFile);
      await simulateLoad(options.loadMs);
      return new SyntheticLlmModel(spec, options, outcomes);
    },
  };
}
