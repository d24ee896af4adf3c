import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { Modality, ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';

/** What differs between the benchmarks' step-wise LLMs; everything else is the same model shape. */
export type StepwiseLlmInit = Omit<
  Exclude<MessageInitShape<typeof ModelSpecSchema>, ModelSpec>,
  'version' | 'runtime' | 'task' | 'modality' | 'inputs' | 'outputs'
> & {
  readonly name: string;
  /** FP32 [-1, 1] outputs the model answers with, besides the prompt's outcome as its runtime reads it. */
  readonly outputNames: readonly string[];
};

/**
 * The registry entry of a simulated LLM on the `synthetic-stepwise` runtime, as the benchmarks
 * serve them: version 1, text generation from `text_input` (the prompt), `context` (padding that
 * stands for the conversation so far) and `max_tokens` (the answer's length), each output FP32
 * [-1, 1]. Batching, timing (`runtimeOptions`), price and priors are the caller's.
 */
export function toStepwiseLlmSpec(init: StepwiseLlmInit): ModelSpec {
  const { outputNames, ...rest } = init;
  return create(ModelSpecSchema, {
    ...rest,
    version: '1',
    runtime: 'synthetic-stepwise',
    task: 'text-generation',
    modality: Modality.TEXT,
    inputs: [
      { name: 'text_input', datatype: 'BYTES', shape: [-1n] },
      { name: 'context', datatype: 'BYTES', shape: [-1n] },
      { name: 'max_tokens', datatype: 'INT32', shape: [-1n] },
    ],
    outputs: outputNames.map((name) => ({ name, datatype: 'FP32', shape: [-1n, 1n] })),
  });
}
