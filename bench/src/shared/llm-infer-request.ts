import { createHash } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import type { ModelInferRequest, ModelInferResponse } from '@switchboard/protocol';

/** The router's token estimate for text (UTF-8 bytes ÷ 4); the synthetic LLM counts the same way. */
const BYTES_PER_TOKEN = 4;
/** Stands for the earlier turns of a conversation: what makes the trace's long contexts long. */
const FILLER = 'Earlier in this conversation the user and the assistant discussed the task at length. ';

/** Bytes of `context` that make the input as long as the trace's request (the filler is ASCII). */
function contextBytesOf(promptBytes: number, promptTokens: number): number {
  return Math.max(0, promptTokens * BYTES_PER_TOKEN - promptBytes);
}

function contextOf(promptBytes: number, promptTokens: number): Uint8Array {
  const length = contextBytesOf(promptBytes, promptTokens);
  return Buffer.from(FILLER.repeat(Math.ceil(length / FILLER.length)).slice(0, length), 'utf8');
}

/** The SHA-256 of a prompt's UTF-8 bytes, as the synthetic LLMs look its outcome up. */
export function promptKey(prompt: string): string {
  return createHash('sha256').update(prompt, 'utf8').digest('hex');
}

/**
 * The complexity the router computes for the request toLlmInferRequest makes of a prompt and a
 * trace request of `promptTokens` input tokens (analyse-request.ts): each BYTES input's UTF-8 bytes
 * ÷ 4, rounded up, plus the one element of `max_tokens`. Its predicted cost follows from it.
 */
export function llmRequestComplexity(prompt: string, promptTokens: number): number {
  const promptBytes = Buffer.byteLength(prompt, 'utf8');
  const contextBytes = contextBytesOf(promptBytes, promptTokens);
  return Math.ceil(promptBytes / BYTES_PER_TOKEN) + Math.ceil(contextBytes / BYTES_PER_TOKEN) + 1;
}

/** One request to a simulated LLM, as a trace describes it. */
export interface LlmRequest {
  /** The model or route it is sent to. */
  readonly target: string;
  /** The request id, echoed in the answer. */
  readonly id: string;
  /** The prompt; the synthetic LLMs look their answer up by its SHA-256. */
  readonly prompt: string;
  /** Input tokens the trace's request had; `context` pads the prompt to them. */
  readonly promptTokens: number;
  /** Tokens the trace's request generated: its `max_tokens`. */
  readonly outputTokens: number;
}

/**
 * The ModelInfer request of a trace request: the prompt as `text_input`, earlier conversation as
 * `context` so that the input is as long as the trace's request was, and the trace's generated
 * tokens as `max_tokens` (Triton's TensorRT-LLM inputs).
 */
export function toLlmInferRequest(request: LlmRequest): ModelInferRequest {
  const prompt = Buffer.from(request.prompt, 'utf8');
  return create(ModelInferRequestSchema, {
    modelName: request.target,
    id: request.id,
    inputs: [
      { name: 'text_input', datatype: 'BYTES', shape: [1n], contents: { bytesContents: [prompt] } },
      {
        name: 'context',
        datatype: 'BYTES',
        shape: [1n],
        contents: { bytesContents: [contextOf(prompt.length, request.promptTokens)] },
      },
      {
        name: 'max_tokens',
        datatype: 'INT32',
        shape: [1n],
        contents: { intContents: [request.outputTokens] },
      },
    ],
  });
}

/** What the synthetic LLM answered: the recorded correctness and cost of the prompt on that model. */
export interface LlmAnswer {
  readonly correct: boolean;
  readonly costUsd: number;
}

/** The first FP32 of output `name`, from raw or typed contents; undefined when absent. */
function firstFloat(response: ModelInferResponse, name: string): number | undefined {
  const index = response.outputs.findIndex((output) => output.name === name);
  if (index < 0) return undefined;
  const raw = response.rawOutputContents[index];
  if (raw !== undefined && raw.byteLength >= 4) return Buffer.from(raw).readFloatLE(0);
  return response.outputs[index]?.contents?.fp32Contents[0];
}

/**
 * Reads `correct` and `cost_usd` from an answer of the synthetic LLM.
 * @throws Error when either output is missing.
 */
export function readLlmAnswer(response: ModelInferResponse): LlmAnswer {
  const correct = firstFloat(response, 'correct');
  const costUsd = firstFloat(response, 'cost_usd');
  if (correct === undefined || costUsd === undefined)
    throw new Error('the answer has no correct or cost_usd output');
  return { correct: correct >= 0.5, costUsd };
}
