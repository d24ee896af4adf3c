/**
 * The 11 LLMs RouterBench recorded, as the replay simulates them. Timing comes from published
 * measurements of the model or of models of its size; prices from RouterBench's price table.
 * bench/README.md (`replay`, "Calibration") cites every figure and says which are assumptions.
 */
export interface SimulatedLlm {
  /** The column name in RouterBench files. */
  readonly routerBenchName: string;
  /** The registry name: RouterBench's, made a valid Switchboard name. */
  readonly name: string;
  /** Time to first token for a short prompt, ms: network, queueing and scheduling at the provider. */
  readonly ttftMs: number;
  /** Prefill time per input token, µs. */
  readonly prefillUsPerToken: number;
  /** Time per output token, ms. */
  readonly decodeMsPerToken: number;
  /** USD per million input and output tokens (RouterBench, Table 1). */
  readonly inputUsdPerMillion: number;
  readonly outputUsdPerMillion: number;
}

/**
 * Size classes from the LLMPerf leaderboard (ray-project/llmperf-leaderboard, 2023-12-19): the
 * median over its providers of the median TTFT (550 input tokens) and of the median output
 * throughput, for Llama-2 70B, 13B and 7B chat. Prefill per token: 2 × parameters FLOPs per token
 * at half an A100's 312 TFLOPS, on 4 GPUs for 70B-class, 2 for 34B, 1 below.
 */
const CLASS_70B = { ttftMs: 450, decodeMsPerToken: 27.4, prefillUsPerToken: 224 };
const CLASS_34B = { ttftMs: 490, decodeMsPerToken: 24.9, prefillUsPerToken: 218 };
const CLASS_13B = { ttftMs: 515, decodeMsPerToken: 23.5, prefillUsPerToken: 167 };
const CLASS_7B = { ttftMs: 520, decodeMsPerToken: 19.6, prefillUsPerToken: 90 };
/**
 * API models, per output token: GPT-3.5 35 ms and GPT-4 (0613) 94 ms (taivo.ai, OpenAI API, 2023);
 * GPT-4 Turbo 28 ms (35.7 tokens/s, OpenAI community measurement of gpt-4-turbo). Their TTFT and
 * prefill are not published in those sources: the 70B class's are used (an assumption).
 */
const GPT_35 = { ...CLASS_70B, decodeMsPerToken: 35 };
const GPT_4_TURBO = { ...CLASS_70B, decodeMsPerToken: 28 };
const GPT_4_CLASS = { ...CLASS_70B, decodeMsPerToken: 94 };

export const SIMULATED_LLMS: readonly SimulatedLlm[] = [
  llm('WizardLM/WizardLM-13B-V1.2', 'wizardlm-13b-v1-2', CLASS_13B, 0.3, 0.3),
  // No published timing found: assumed like GPT-3.5 (instant) and like GPT-4 (v1, v2).
  llm('claude-instant-v1', 'claude-instant-v1', GPT_35, 0.8, 2.4),
  llm('claude-v1', 'claude-v1', GPT_4_CLASS, 8, 24),
  llm('claude-v2', 'claude-v2', GPT_4_CLASS, 8, 24),
  llm('gpt-3.5-turbo-1106', 'gpt-3-5-turbo-1106', GPT_35, 1, 2),
  llm('gpt-4-1106-preview', 'gpt-4-1106-preview', GPT_4_TURBO, 10, 30),
  llm('meta/code-llama-instruct-34b-chat', 'code-llama-34b-instruct', CLASS_34B, 0.776, 0.776),
  llm('meta/llama-2-70b-chat', 'llama-2-70b-chat', CLASS_70B, 0.9, 0.9),
  llm('mistralai/mistral-7b-chat', 'mistral-7b-chat', CLASS_7B, 0.2, 0.2),
  // 13B parameters active per token.
  llm('mistralai/mixtral-8x7b-chat', 'mixtral-8x7b-chat', CLASS_13B, 0.6, 0.6),
  llm('zero-one-ai/Yi-34B-Chat', 'yi-34b-chat', CLASS_34B, 0.8, 0.8),
];

function llm(
  routerBenchName: string,
  name: string,
  timing: { ttftMs: number; decodeMsPerToken: number; prefillUsPerToken: number },
  inputUsdPerMillion: number,
  outputUsdPerMillion: number,
): SimulatedLlm {
  return { routerBenchName, name, ...timing, inputUsdPerMillion, outputUsdPerMillion };
}

/**
 * The simulated LLM of a RouterBench model name.
 * @throws Error for a model the catalogue does not simulate.
 */
export function simulatedLlmOf(routerBenchName: string): SimulatedLlm {
  const found = SIMULATED_LLMS.find((model) => model.routerBenchName === routerBenchName);
  if (found === undefined) {
    throw new Error(
      `no simulated LLM for RouterBench model "${routerBenchName}"; known: ${SIMULATED_LLMS.map((model) => model.routerBenchName).join(', ')}`,
    );
  }
  return found;
}
