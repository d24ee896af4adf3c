import { createHash } from 'node:crypto';
import { ExecutionError, FailedPreconditionError, InvalidArgumentError } from '@switchboard/errors';
import type { ModelSpec, TensorSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import type { LlmOutcome } from './read-llm-outcomes.js';

/** The inputs the runtime reads, with their datatypes; `context` may be left out of a spec. */
const LLM_INPUTS: Readonly<Record<string, string>> = {
  text_input: 'BYTES',
  context: 'BYTES',
  max_tokens: 'INT32',
};
const REQUIRED_INPUTS = ['text_input', 'max_tokens'];
const LLM_OUTPUTS = ['correct', 'cost_usd', 'output_tokens'] as const;
type LlmOutputName = (typeof LLM_OUTPUTS)[number];

/** One batch row as a sequence to run: what it costs and what it answers. */
export interface SequenceRow {
  readonly inputTokens: number;
  /** Tokens to generate: the row's max_tokens. */
  readonly maxTokens: number;
  readonly outcome: LlmOutcome;
}

/** Rows index the data directly only when every dimension after the batch one is 1. */
function holdsOneElementPerRow(tensor: TensorSpec): boolean {
  return tensor.shape.length >= 1 && tensor.shape.slice(1).every((dimension) => dimension === 1n);
}

/**
 * Says what in a spec a simulated LLM runtime (`synthetic-llm`, `synthetic-stepwise`: the same
 * tensors) cannot serve, or returns undefined when it can serve it.
 * @param runtimeName named in the messages.
 */
export function describeLlmSpecProblem(spec: ModelSpec, runtimeName: string): string | undefined {
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
      return `declares output ${output.name}; ${runtimeName} outputs are ${LLM_OUTPUTS.join(', ')}`;
    }
    if (output.datatype !== 'FP32' || !holdsOneElementPerRow(output)) {
      return `declares output ${output.name} as ${output.datatype} [${output.shape.join(', ')}]; ${runtimeName} outputs are FP32 [-1, 1]`;
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

/**
 * Reads a batch's rows as sequences: input tokens of prompt and context, max_tokens, and the
 * outcome recorded for the prompt's SHA-256.
 * @throws FailedPreconditionError when a prompt has no recorded outcome, InvalidArgumentError for a
 *   negative max_tokens, ExecutionError when the batch lacks its inputs.
 */
export function readSequenceRows(
  inputs: readonly Tensor[],
  outcomes: ReadonlyMap<string, LlmOutcome>,
  options: { readonly bytesPerToken: number; readonly outcomesFile: string; readonly modelName: string },
): SequenceRow[] {
  const prompts = findInput(inputs, 'text_input');
  const contexts = findInput(inputs, 'context');
  const maxTokens = findInput(inputs, 'max_tokens');
  // Load checked the spec, and the worker decodes every job against it before it gets here.
  if (!Array.isArray(prompts) || !(maxTokens instanceof Int32Array)) {
    throw new ExecutionError(`model ${options.modelName} got a batch without its inputs`, {
      retryable: false,
    });
  }
  // Unrecorded prompts drop out here, so the shortfall counts them.
  const found = prompts.flatMap((prompt) => outcomes.get(sha256Hex(prompt)) ?? []);
  if (found.length < prompts.length) {
    throw new FailedPreconditionError(
      `${prompts.length - found.length} of the ${prompts.length} prompts of the batch have no ` +
        `recorded outcome in ${options.outcomesFile}`,
    );
  }
  const negativeRow = maxTokens.findIndex((tokens) => tokens < 0);
  if (negativeRow >= 0) {
    throw new InvalidArgumentError(`max_tokens must be >= 0, got ${maxTokens[negativeRow]}`);
  }
  return found.map((outcome, row) => {
    const contextBytes = Array.isArray(contexts) ? (contexts[row]?.byteLength ?? 0) : 0;
    const textBytes = (prompts[row]?.byteLength ?? 0) + contextBytes;
    const inputTokens = Math.ceil(textBytes / options.bytesPerToken);
    return { inputTokens, maxTokens: maxTokens[row] ?? 0, outcome };
  });
}

/** The outputs the spec declares for rows, one FP32 value per row shaped [rows] or [rows, 1]. */
export function toOutputTensors(spec: ModelSpec, rows: readonly SequenceRow[]): Tensor[] {
  const columns: Record<LlmOutputName, number[]> = {
    correct: rows.map((row) => row.outcome.correct),
    cost_usd: rows.map((row) => row.outcome.costUsd),
    output_tokens: rows.map((row) => row.maxTokens),
  };
  return spec.outputs.map((output) => ({
    name: output.name,
    datatype: 'FP32',
    shape: [rows.length, ...output.shape.slice(1).map(() => 1)],
    data: Float32Array.from(columns[output.name as LlmOutputName]),
  }));
}
