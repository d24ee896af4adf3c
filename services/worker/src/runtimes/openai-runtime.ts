import { ExecutionError, FailedPreconditionError, InvalidArgumentError } from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';
import type { ModelSpec, TensorSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import { readOpenAiAnswer } from './openai-answer.js';
import type { OpenAiAnswer } from './openai-answer.js';
import { parseOpenAiOptions } from './openai-options.js';
import type { ResolvedOpenAiOptions } from './openai-options.js';
import { sendOpenAiRequest } from './openai-request.js';
import type { OpenAiTarget } from './openai-request.js';
import type { BatchOutput, LoadedModel, Runtime } from './runtime.js';

/** What `createOpenAiRuntime` needs from its host. */
export interface OpenAiRuntimeOptions {
  /** Reads the variable a model's `api_key_env` names, at load (the worker's config does). */
  readonly credential: (variable: string) => string | undefined;
  /** Receives retried attempts at `warn`, with the model's name; never the key. */
  readonly logger: Logger;
}

/** The inputs the runtime reads, with their datatypes; `max_tokens` may be left out of a spec. */
const OPENAI_INPUTS: Readonly<Record<string, string>> = { text_input: 'BYTES', max_tokens: 'INT32' };
const OPENAI_OUTPUTS: Readonly<Record<string, string>> = {
  text_output: 'BYTES',
  output_tokens: 'FP32',
  cost_usd: 'FP32',
};
const ENDPOINT_PATHS = { chat: '/chat/completions', completions: '/completions' } as const;
const TOKENS_PER_MILLION = 1_000_000;

/** Rows index the data directly only when every dimension after the batch one is 1. */
function holdsOneElementPerRow(tensor: TensorSpec): boolean {
  return tensor.shape.length >= 1 && tensor.shape.slice(1).every((dimension) => dimension === 1n);
}

/** Says what in a spec the runtime cannot serve, or returns undefined when it can serve it. */
function describeSpecProblem(spec: ModelSpec): string | undefined {
  if (!spec.inputs.some((input) => input.name === 'text_input'))
    return 'needs input text_input (BYTES, shape [-1])';
  const tensors = [
    ...spec.inputs.map((tensor) => ({ tensor, kind: 'input', allowed: OPENAI_INPUTS })),
    ...spec.outputs.map((tensor) => ({ tensor, kind: 'output', allowed: OPENAI_OUTPUTS })),
  ];
  for (const { tensor, kind, allowed } of tensors) {
    const datatype = allowed[tensor.name];
    if (datatype === undefined) {
      return `declares ${kind} ${tensor.name}; openai ${kind}s are ${Object.keys(allowed).join(', ')}`;
    }
    if (tensor.datatype !== datatype || !holdsOneElementPerRow(tensor)) {
      return `declares ${kind} ${tensor.name} as ${tensor.datatype} [${tensor.shape.join(', ')}]; it must be ${datatype} [-1]`;
    }
  }
  return undefined;
}

function readApiKey(
  options: ResolvedOpenAiOptions,
  credential: (variable: string) => string | undefined,
  modelName: string,
): string | undefined {
  if (options.apiKeyEnv === undefined) return undefined;
  const key = credential(options.apiKeyEnv) ?? '';
  if (key === '') {
    throw new FailedPreconditionError(
      `openai model ${modelName} reads its API key from environment variable ${options.apiKeyEnv}, which is not set`,
    );
  }
  return key;
}

/** One value per row, shaped as the output declares ([rows] or [rows, 1]). */
function toOutput(
  spec: TensorSpec,
  answers: readonly OpenAiAnswer[],
  options: ResolvedOpenAiOptions,
): Tensor {
  const shape = [answers.length, ...spec.shape.slice(1).map(() => 1)];
  if (spec.name === 'text_output') {
    const encoder = new TextEncoder();
    return {
      name: spec.name,
      datatype: 'BYTES',
      shape,
      data: answers.map(({ text }) => encoder.encode(text)),
    };
  }
  const values = answers.map(({ promptTokens, completionTokens }) =>
    spec.name === 'output_tokens'
      ? completionTokens
      : (promptTokens * options.inputUsdPerMillionTokens +
          completionTokens * options.outputUsdPerMillionTokens) /
        TOKENS_PER_MILLION,
  );
  return { name: spec.name, datatype: 'FP32', shape, data: Float32Array.from(values) };
}

class OpenAiModel implements LoadedModel {
  /** The weights live upstream; the worker holds only sockets and buffers. */
  readonly footprintBytes = 0;
  readonly synthetic = false;
  readonly #limit: LimitFunction;
  /** Aborted by `unload`, which ends the requests still in flight. */
  readonly #unloaded = new AbortController();

  constructor(
    private readonly spec: ModelSpec,
    private readonly options: ResolvedOpenAiOptions,
    private readonly target: OpenAiTarget,
  ) {
    this.#limit = pLimit(options.maxInFlight);
  }

  async infer(inputs: Tensor[]): Promise<BatchOutput> {
    const prompts = this.#readPrompts(inputs);
    const maxTokens = inputs.find((tensor) => tensor.name === 'max_tokens')?.data;
    const limits = maxTokens instanceof Int32Array ? maxTokens : undefined;
    const negativeRow = limits?.findIndex((tokens) => tokens < 0) ?? -1;
    if (negativeRow >= 0) {
      throw new InvalidArgumentError(`max_tokens must be >= 0, got ${limits?.[negativeRow]}`);
    }
    // One failed row fails the batch: the others are aborted rather than left running unanswered.
    const batch = new AbortController();
    const signal = AbortSignal.any([this.#unloaded.signal, batch.signal]);
    let failure: { error: unknown } | undefined;
    const rows = prompts.map((prompt, row) =>
      this.#limit(() => this.#requestRow(prompt, limits?.[row] ?? 0, signal)).catch((error: unknown) => {
        failure ??= { error };
        batch.abort(error);
        return undefined;
      }),
    );
    const answers = await Promise.all(rows);
    if (failure !== undefined) throw failure.error;
    return {
      outputs: this.spec.outputs.map((output) => toOutput(output, answers as OpenAiAnswer[], this.options)),
    };
  }

  #readPrompts(inputs: readonly Tensor[]): string[] {
    const prompts = inputs.find((tensor) => tensor.name === 'text_input')?.data;
    // Load checked the spec, and the worker decodes every job against it before it gets here.
    if (!Array.isArray(prompts)) {
      throw new ExecutionError(`${this.target.context} got a batch without text_input`, { retryable: false });
    }
    const decoder = new TextDecoder('utf-8', { fatal: true });
    return prompts.map((bytes, row) => {
      try {
        return decoder.decode(bytes);
      } catch {
        throw new InvalidArgumentError(`text_input row ${row} is not UTF-8 text`);
      }
    });
  }

  async #requestRow(prompt: string, maxTokens: number, signal: AbortSignal): Promise<OpenAiAnswer> {
    const { api, model } = this.options;
    const request: Record<string, unknown> =
      api === 'chat' ? { model, messages: [{ role: 'user', content: prompt }] } : { model, prompt };
    // 0 leaves the length to the upstream's default.
    if (maxTokens > 0) request['max_tokens'] = maxTokens;
    const bodyText = await sendOpenAiRequest(this.target, JSON.stringify(request), signal);
    return readOpenAiAnswer(bodyText, api, this.target.context);
  }

  async unload(): Promise<void> {
    if (this.#unloaded.signal.aborted) return;
    this.#unloaded.abort(
      new ExecutionError(`${this.target.context} was unloaded while a request was in flight`),
    );
  }
}

/**
 * The `openai` runtime: serves a model by calling an OpenAI-compatible HTTP upstream (vLLM, Ollama,
 * llama.cpp server, OpenAI). Each batch row is one chat or completions request, at most
 * `max_in_flight` at once per loaded model; usage becomes `output_tokens` and `cost_usd`. Answers
 * are never synthetic and the footprint is 0. Options: see `parseOpenAiOptions`.
 * @throws FailedPreconditionError at load when the spec's tensors or options are unusable or the
 *   key's environment variable is unset; `infer` throws as `sendOpenAiRequest` and `readOpenAiAnswer` say.
 */
export function createOpenAiRuntime(runtimeOptions: OpenAiRuntimeOptions): Runtime {
  return {
    name: 'openai',
    async load(spec) {
      const problem = describeSpecProblem(spec);
      if (problem !== undefined) throw new FailedPreconditionError(`openai model ${spec.name} ${problem}`);
      const options = parseOpenAiOptions(spec.runtimeOptions);
      const target: OpenAiTarget = {
        url: options.baseUrl + ENDPOINT_PATHS[options.api],
        apiKey: readApiKey(options, runtimeOptions.credential, spec.name),
        timeoutMs: options.timeoutMs,
        retry: options.retry,
        context: `openai model ${spec.name}`,
        logger: runtimeOptions.logger.child({ component: 'openai-runtime', model: spec.name }),
      };
      return new OpenAiModel(spec, options, target);
    },
  };
}
