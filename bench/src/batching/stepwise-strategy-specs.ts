import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchingMode } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { promptKey } from '../shared/llm-infer-request.js';
import { toStepwiseLlmSpec } from '../shared/stepwise-llm-spec.js';
import { simulatedLlmOf } from '../replay/llm-catalogue.js';
import type { StepwiseStrategy } from './batching-strategies.js';
import type { BatchingInit } from './describe-batching.js';

/** The replay's 7B-class LLM (LLMPerf's Llama-2 7B figures): 19.6 ms per output token, 90 µs per input token. */
const CALIBRATION = simulatedLlmOf('mistralai/mistral-7b-chat');

/**
 * Added cost of a decode step per sequence in it, µs: reading that sequence's KV cache — 0.5 MiB
 * per token for a 7B model (32 layers × 4096 × K and V × 2 bytes), ~630 MB at the conversation
 * trace's mean context of 1.2k tokens, 0.31 ms at an A100-80GB's 2.04 TB/s — plus its share of the
 * compute (2 × 7 G FLOPs at 312 TFLOPS, 0.045 ms). The rest of a lone sequence's time per token is
 * the step's base: the weights, read once per step whatever the batch.
 */
const DECODE_US_PER_SEQUENCE = 350;

/** The simulated LLM's step-wise cost model, ms and µs of simulated time (see the worker README). */
export const STEPWISE_TIMING = {
  /**
   * Base cost of an admission: one forward pass, like a decode step. The replay's TTFT (520 ms) is
   * LLMPerf's end-to-end figure (network and provider queueing included); here the queueing is
   * what the benchmark measures, so only the pass itself is simulated.
   */
  ttftMs: CALIBRATION.decodeMsPerToken - DECODE_US_PER_SEQUENCE / 1_000,
  prefillUsPerToken: CALIBRATION.prefillUsPerToken,
  decodeMsPerStep: CALIBRATION.decodeMsPerToken - DECODE_US_PER_SEQUENCE / 1_000,
  decodeUsPerSequence: DECODE_US_PER_SEQUENCE,
} as const;

/**
 * Sequences one replica runs at once by default, the same bound for both strategies: what an 80 GB
 * GPU's KV cache holds for this model and trace. A 7B model's weights and activations leave ~50 GB;
 * a sequence of the conversation trace's mean 1.2k context and 0.2k answer tokens takes ~0.7 GB
 * (0.5 MiB per token), so ~70 fit: 64.
 */
export const DEFAULT_STEPWISE_SEQUENCES = 64;
/** Continuous batching's bound on the tokens of one step (prefill plus decode), vLLM's max_num_batched_tokens. */
const MAX_STEP_TOKENS = 8_192;

/**
 * Each strategy's batching for `sequences` concurrent sequences. Dynamic: up to that many requests
 * run together as one static batch until its longest finishes, the next batch forming meanwhile (no
 * extra delay). Continuous: up to that many sequences, joining between steps and leaving when done.
 */
export function stepwiseBatching(strategy: StepwiseStrategy, sequences: number): BatchingInit {
  return strategy === 'dynamic'
    ? { mode: BatchingMode.DYNAMIC, maxBatchSize: sequences, maxQueueDelayUs: 0 }
    : { mode: BatchingMode.CONTINUOUS, maxBatchSize: sequences, maxStepTokens: MAX_STEP_TOKENS };
}

/** The prompt of every request; its length comes from the `context` the trace's size adds. */
export const STEPWISE_PROMPT = 'Continue the conversation.';

/**
 * Writes the outcomes file the synthetic LLM answers from: one line, for {@link STEPWISE_PROMPT}.
 * @returns its path.
 */
export async function writeStepwiseOutcomes(directory: string): Promise<string> {
  const path = join(directory, 'stepwise.outcomes.jsonl');
  await writeFile(
    path,
    `${JSON.stringify({ prompt_sha256: promptKey(STEPWISE_PROMPT), correct: 1, cost_usd: 0 })}\n`,
  );
  return path;
}

/** The registry entry of the step-wise LLM served with `strategy`'s batching, as model `name`. */
export function toStepwiseStrategySpec(
  name: string,
  strategy: StepwiseStrategy,
  options: { readonly outcomesFile: string; readonly speedup: number; readonly sequences: number },
): ModelSpec {
  return toStepwiseLlmSpec({
    name,
    outputNames: ['output_tokens'],
    batching: stepwiseBatching(strategy, options.sequences),
    runtimeOptions: {
      ttft_ms: String(STEPWISE_TIMING.ttftMs),
      prefill_us_per_token: String(STEPWISE_TIMING.prefillUsPerToken),
      decode_ms_per_step: String(STEPWISE_TIMING.decodeMsPerStep),
      decode_us_per_sequence: String(STEPWISE_TIMING.decodeUsPerSequence),
      speedup: String(options.speedup),
      outcomes_file: options.outcomesFile,
    },
  });
}
