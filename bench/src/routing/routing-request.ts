import { create } from '@bufbuild/protobuf';
import type { OutcomeRecord } from '@switchboard/outcome-files';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import type { InferParameter, ModelInferRequest, ModelInferResponse } from '@switchboard/protocol';
import type { SimulatedLlm } from '../replay/llm-catalogue.js';

/** A held-out or training prompt as the bench sends it. */
export interface RoutingPrompt {
  readonly record: OutcomeRecord;
  /** Output tokens the simulated LLM decodes (its `max_tokens`): only the answer's latency depends on it. */
  readonly outputTokens: number;
}

/** The router's token estimate for text, which the synthetic LLM shares. */
const BYTES_PER_TOKEN = 4;
const MAX_OUTPUT_TOKENS = 1_024;

/**
 * How long the recorded answers to a prompt were, in tokens: what its recorded costs imply at
 * RouterBench's prices — (cost − input tokens × input price) ÷ output price — the median over the
 * models, at least 1 and at most 1,024. Short for multiple-choice prompts (ARC, Winogrande), a few
 * hundred for code (MBPP), so each simulated answer takes about as long as the real one did.
 * @param models the simulated LLM of each model name of the record.
 */
export function outputTokensOf(record: OutcomeRecord, models: ReadonlyMap<string, SimulatedLlm>): number {
  const inputTokens = Math.ceil(Buffer.byteLength(record.prompt, 'utf8') / BYTES_PER_TOKEN);
  const implied = [...record.outcomes].flatMap(([name, outcome]) => {
    const model = models.get(name);
    if (model === undefined || model.outputUsdPerMillion <= 0) return [];
    return [(outcome.costUsd * 1e6 - inputTokens * model.inputUsdPerMillion) / model.outputUsdPerMillion];
  });
  implied.sort((left, right) => left - right);
  const median = implied.length === 0 ? 1 : implied[Math.floor((implied.length - 1) / 2)]!;
  return Math.min(MAX_OUTPUT_TOKENS, Math.max(1, Math.round(median)));
}

/**
 * The ModelInfer request of a prompt to `target` (a route or a model): the prompt as `text_input`,
 * an empty `context` and `max_tokens`, the inputs of the synthetic LLM (Triton's TensorRT-LLM names).
 */
export function toRoutingInferRequest(prompt: RoutingPrompt, target: string, id: string): ModelInferRequest {
  return create(ModelInferRequestSchema, {
    modelName: target,
    id,
    inputs: [
      {
        name: 'text_input',
        datatype: 'BYTES',
        shape: [1n],
        contents: { bytesContents: [Buffer.from(prompt.record.prompt, 'utf8')] },
      },
      { name: 'context', datatype: 'BYTES', shape: [1n], contents: { bytesContents: [new Uint8Array(0)] } },
      {
        name: 'max_tokens',
        datatype: 'INT32',
        shape: [1n],
        contents: { intContents: [prompt.outputTokens] },
      },
    ],
  });
}

function readText(parameters: Record<string, InferParameter>, key: string): string | undefined {
  const choice = parameters[key]?.parameterChoice;
  return choice?.case === 'stringParam' ? choice.value : undefined;
}

/**
 * What the router says about a route answer beyond the model: why it chose it
 * (`switchboard.reason`, `learned_policy` under a learned policy), the id Feedback quotes
 * (`switchboard.request_id`, else the id the request was sent with) and the tenant it was served for.
 */
export function readRouteFacts(
  response: ModelInferResponse,
  sentId: string,
): { reason: string; requestId: string; tenant: string } {
  return {
    reason: readText(response.parameters, 'switchboard.reason') ?? '',
    requestId: readText(response.parameters, 'switchboard.request_id') ?? sentId,
    tenant: readText(response.parameters, 'switchboard.tenant') ?? '',
  };
}
