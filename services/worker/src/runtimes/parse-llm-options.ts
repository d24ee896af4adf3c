import { isAbsolute } from 'node:path';
import { FailedPreconditionError } from '@switchboard/errors';

/** How long a simulated LLM takes to answer, from a `synthetic-llm` model's runtime options. */
export interface LlmTiming {
  /** Time to first token, milliseconds. */
  readonly ttftMs: number;
  /** Prefill time per input token, microseconds. */
  readonly prefillUsPerToken: number;
  /** Decode time per output token, milliseconds. */
  readonly decodeMsPerToken: number;
  /** Spread of each item's latency: it is multiplied by a factor in [1 - jitter/2, 1 + jitter/2). */
  readonly jitter: number;
}

/** The options every simulated LLM runtime reads, whatever its latency model. */
export interface ResolvedLlmSharedOptions {
  /** Absolute path of the JSON Lines file of recorded outcomes. */
  readonly outcomesFile: string;
  /** Bytes of text per input token. @default 4 */
  readonly bytesPerToken: number;
  /** How long loading takes, ms: a simulated cold start. @default 0 */
  readonly loadMs: number;
}

/** The complete runtime options of a `synthetic-llm` model. */
export interface ResolvedLlmOptions extends ResolvedLlmSharedOptions {
  readonly timing: LlmTiming;
  /** Seed of the jitter generator. @default 0 */
  readonly seed: number;
}

/** A runtime's shared options, and the means to read its own. */
export interface LlmOptionReaders {
  readonly shared: ResolvedLlmSharedOptions;
  /**
   * Reads a number >= 0; without a fallback the option is required.
   * @throws FailedPreconditionError naming the option when it is missing or malformed.
   */
  readonly read: (key: string, fallback?: number) => number;
  /** @throws FailedPreconditionError always, naming the option, its value and the rule it breaks. */
  readonly refuse: (key: string, rule: string) => never;
}

/** The router's estimate for text (services/router/src/analyse-request.ts), so both count alike. */
const DEFAULT_BYTES_PER_TOKEN = 4;
const DEFAULT_JITTER = 0;
const MAX_JITTER = 2;
const DEFAULT_SEED = 0;

const SHARED_OPTIONS = ['outcomes_file', 'bytes_per_token', 'load_ms'];
const SYNTHETIC_LLM_OPTIONS = ['ttft_ms', 'prefill_us_per_token', 'decode_ms_per_token', 'jitter', 'seed'];

/** Plain decimal notation only: `Number()` would also take "0x10", " 5" and "Infinity". */
const DECIMAL_PATTERN = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Checks a simulated LLM's runtime options against its own keys and the shared ones
 * (`outcomes_file`, an absolute path, required; `bytes_per_token`, > 0, default 4; `load_ms`, >= 0,
 * default 0), and reads the shared ones. An empty value counts as absent, as in the `synthetic` runtime.
 * @param runtimeName names the runtime in every refusal: `<runtimeName> runtime option ...`.
 * @throws FailedPreconditionError naming the option when a shared one is missing or malformed, or
 *   when a key is unknown (a misspelt optional option would otherwise be ignored without a word).
 */
export function parseSharedLlmOptions(
  runtimeName: string,
  options: Record<string, string>,
  ownKeys: readonly string[],
): LlmOptionReaders {
  const known = [...ownKeys, ...SHARED_OPTIONS];
  const unknown = Object.keys(options).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw new FailedPreconditionError(
      `${runtimeName} runtime option ${unknown} is not known; the options are ${known.join(', ')}`,
    );
  }
  const refuse = (key: string, rule: string): never => {
    throw new FailedPreconditionError(`${runtimeName} runtime option ${key}="${options[key] ?? ''}" ${rule}`);
  };
  const read = (key: string, fallback?: number): number => {
    const text = options[key] ?? '';
    if (text === '') {
      if (fallback !== undefined) return fallback;
      throw new FailedPreconditionError(`${runtimeName} runtime option ${key} is required`);
    }
    const value = Number(text);
    if (!DECIMAL_PATTERN.test(text) || !Number.isFinite(value)) refuse(key, 'must be a number >= 0');
    return value;
  };
  const outcomesFile = options['outcomes_file'] ?? '';
  if (outcomesFile === '') {
    throw new FailedPreconditionError(`${runtimeName} runtime option outcomes_file is required`);
  }
  if (!isAbsolute(outcomesFile)) refuse('outcomes_file', 'must be an absolute path');
  const bytesPerToken = read('bytes_per_token', DEFAULT_BYTES_PER_TOKEN);
  if (bytesPerToken === 0) refuse('bytes_per_token', 'must be > 0');
  return { shared: { outcomesFile, bytesPerToken, loadMs: read('load_ms', 0) }, read, refuse };
}

/**
 * Reads a `synthetic-llm` model's runtime options: `ttft_ms`, `prefill_us_per_token`,
 * `decode_ms_per_token` (numbers >= 0) and `outcomes_file` (an absolute path) are required;
 * `bytes_per_token` (> 0, default 4), `jitter` (0 to 2, default 0), `seed` (an integer >= 0,
 * default 0) and `load_ms` (the simulated cold start, >= 0, default 0) are optional. An empty value counts as absent, as in the `synthetic` runtime.
 * @throws FailedPreconditionError naming the option when one is missing, malformed or unknown (a
 *   misspelt optional option would otherwise be ignored without a word).
 */
export function parseLlmOptions(options: Record<string, string>): ResolvedLlmOptions {
  const { shared, read, refuse } = parseSharedLlmOptions('synthetic-llm', options, SYNTHETIC_LLM_OPTIONS);
  const timing = {
    ttftMs: read('ttft_ms'),
    prefillUsPerToken: read('prefill_us_per_token'),
    decodeMsPerToken: read('decode_ms_per_token'),
    jitter: read('jitter', DEFAULT_JITTER),
  };
  // Past 2 the factor 1 + jitter × (uniform − 0.5) can turn negative.
  if (timing.jitter > MAX_JITTER) refuse('jitter', `must be at most ${MAX_JITTER}`);
  const seed = read('seed', DEFAULT_SEED);
  if (!Number.isSafeInteger(seed)) refuse('seed', 'must be an integer >= 0');
  return { timing, ...shared, seed };
}
