import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  BatchingSpecSchema,
  Modality,
  ModelInferRequestSchema,
  ModelSpecSchema,
} from '@switchboard/protocol';
import type { ModelInferRequest, ModelSpec } from '@switchboard/protocol';
import { encodeInputs } from '@switchboard/tensors';
import { CAPITAL, LLM_INPUTS, LLM_OUTPUTS, utf8 } from '../../src/runtimes/__fixtures__/llm-batches.js';

/** Timing of a synthetic-stepwise model, in its runtime options' terms (simulated ms and µs). */
export interface StepwiseTimingOptions {
  ttft_ms: string;
  prefill_us_per_token: string;
  decode_ms_per_step: string;
  decode_us_per_sequence: string;
  speedup?: string;
}

/** A synthetic-stepwise LLM answering the prompts of `outcomesFile`, batching as `batching` says. */
export function stepwiseLlmSpec(
  name: string,
  outcomesFile: string,
  batching: MessageInitShape<typeof BatchingSpecSchema>,
  timing: StepwiseTimingOptions,
): ModelSpec {
  return create(ModelSpecSchema, {
    name,
    runtime: 'synthetic-stepwise',
    modality: Modality.TEXT,
    memoryBytes: 1_000_000n,
    inputs: LLM_INPUTS,
    outputs: LLM_OUTPUTS,
    batching: create(BatchingSpecSchema, batching),
    runtimeOptions: { ...timing, outcomes_file: outcomesFile },
  });
}

/** A ModelInfer request for one prompt generating `maxTokens` tokens, as the replay benchmark sends it. */
export function promptRequest(model: string, maxTokens: number, prompt = CAPITAL): ModelInferRequest {
  return create(ModelInferRequestSchema, {
    modelName: model,
    id: randomUUID(),
    ...encodeInputs(
      [
        { name: 'text_input', datatype: 'BYTES', shape: [1], data: [utf8(prompt)] },
        { name: 'context', datatype: 'BYTES', shape: [1], data: [utf8('')] },
        { name: 'max_tokens', datatype: 'INT32', shape: [1], data: Int32Array.of(maxTokens) },
      ],
      'raw',
    ),
  });
}
