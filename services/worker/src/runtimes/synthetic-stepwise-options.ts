import { parseSharedLlmOptions } from './parse-llm-options.js';
import type { ResolvedLlmSharedOptions } from './parse-llm-options.js';

/** The step-wise latency model of a `synthetic-stepwise` model, in simulated time. */
export interface StepwiseTiming {
  /** Base cost of each admission (scheduling, first token), milliseconds. */
  readonly ttftMs: number;
  /** Prefill cost per input token of the admitted sequences, microseconds. */
  readonly prefillUsPerToken: number;
  /** Base cost of one decode step, milliseconds. */
  readonly decodeMsPerStep: number;
  /** Added cost of one decode step per sequence decoding in it, microseconds. */
  readonly decodeUsPerSequence: number;
  /**
   * Latency outside the accelerator (network, an API's front end), milliseconds: added to each
   * sequence's answer without holding up the steps of the others. @default 0
   */
  readonly networkMs: number;
}

/** The complete runtime options of a `synthetic-stepwise` model. */
export interface ResolvedStepwiseOptions extends ResolvedLlmSharedOptions {
  readonly timing: StepwiseTiming;
  /** Simulated time runs this many times faster than wall-clock time. @default 1 */
  readonly speedup: number;
}

const STEPWISE_OPTIONS = [
  'ttft_ms',
  'prefill_us_per_token',
  'decode_ms_per_step',
  'decode_us_per_sequence',
  'network_ms',
  'speedup',
];
const DEFAULT_SPEEDUP = 1;

/**
 * Reads a `synthetic-stepwise` model's runtime options: `ttft_ms`, `prefill_us_per_token`,
 * `decode_ms_per_step`, `decode_us_per_sequence` (numbers >= 0) and `outcomes_file` (an absolute
 * path) are required; `network_ms` (>= 0, default 0), `speedup` (> 0, default 1), `bytes_per_token` (> 0, default 4) and `load_ms`
 * (>= 0, default 0) are optional. An empty value counts as absent.
 * @throws FailedPreconditionError naming the option when one is missing, malformed or unknown.
 */
export function parseStepwiseOptions(options: Record<string, string>): ResolvedStepwiseOptions {
  const { shared, read, refuse } = parseSharedLlmOptions('synthetic-stepwise', options, STEPWISE_OPTIONS);
  const timing = {
    ttftMs: read('ttft_ms'),
    prefillUsPerToken: read('prefill_us_per_token'),
    decodeMsPerStep: read('decode_ms_per_step'),
    decodeUsPerSequence: read('decode_us_per_sequence'),
    networkMs: read('network_ms', 0),
  };
  const speedup = read('speedup', DEFAULT_SPEEDUP);
  if (speedup === 0) refuse('speedup', 'must be > 0');
  return { timing, speedup, ...shared };
}
