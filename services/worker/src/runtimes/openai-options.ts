import { FailedPreconditionError } from '@switchboard/errors';

/** The two OpenAI APIs the runtime speaks: `/chat/completions` and `/completions`. */
export type OpenAiApi = 'chat' | 'completions';

/** How the runtime retries one upstream request. */
export interface OpenAiRetryOptions {
  /** Retries after the first attempt. @default 3 */
  readonly maxRetries: number;
  /** Backoff before the first retry, ms; doubled for each further one, times a jitter in [1, 2). @default 500 */
  readonly minDelayMs: number;
  /** Longest backoff, ms; a Retry-After longer than this ends the retries at once. @default 20000 */
  readonly maxDelayMs: number;
}

/** The complete runtime options of an `openai` model. The API key itself is not among them. */
export interface ResolvedOpenAiOptions {
  /** The upstream's base URL including its version path, e.g. `http://127.0.0.1:8000/v1`, no trailing slash. */
  readonly baseUrl: string;
  /** The model name the upstream knows. */
  readonly model: string;
  /** @default 'chat' */
  readonly api: OpenAiApi;
  /** Name of the environment variable holding the API key; undefined sends no key. */
  readonly apiKeyEnv: string | undefined;
  /** Upstream requests in flight at once for the loaded model. @default 8 */
  readonly maxInFlight: number;
  /** Time one attempt may take, ms. @default 60000 */
  readonly timeoutMs: number;
  readonly retry: OpenAiRetryOptions;
  /** US dollars per million prompt tokens. @default 0 */
  readonly inputUsdPerMillionTokens: number;
  /** US dollars per million completion tokens. @default 0 */
  readonly outputUsdPerMillionTokens: number;
}

const DEFAULT_MAX_IN_FLIGHT = 8;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_RETRY_MIN_DELAY_MS = 500;
const DEFAULT_RETRY_MAX_DELAY_MS = 20_000;
const API_PATTERN = /^(chat|completions)$/;
/** A POSIX environment variable name. */
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Plain decimal notation only: `Number()` would also take "0x10", " 5" and "Infinity". */
const DECIMAL_PATTERN = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

const KNOWN_OPTIONS = [
  'base_url',
  'model',
  'api',
  'api_key_env',
  'max_in_flight',
  'timeout_ms',
  'max_retries',
  'retry_min_delay_ms',
  'retry_max_delay_ms',
  'input_usd_per_million_tokens',
  'output_usd_per_million_tokens',
];

function refuse(key: string, text: string, rule: string): never {
  throw new FailedPreconditionError(`openai runtime option ${key}="${text}" ${rule}`);
}

function requireText(options: Record<string, string>, key: string): string {
  const text = options[key] ?? '';
  if (text === '') throw new FailedPreconditionError(`openai runtime option ${key} is required`);
  return text;
}

/** Reads a number >= 0 (an integer when `integer`), or the fallback when the option is absent. */
function readNumber(options: Record<string, string>, key: string, fallback: number, integer = false): number {
  const text = options[key] ?? '';
  if (text === '') return fallback;
  const value = Number(text);
  if (!DECIMAL_PATTERN.test(text) || !Number.isFinite(value)) refuse(key, text, 'must be a number >= 0');
  if (integer && !Number.isSafeInteger(value)) refuse(key, text, 'must be an integer >= 0');
  return value;
}

function readBaseUrl(options: Record<string, string>): string {
  const text = requireText(options, 'base_url');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    refuse('base_url', text, 'must be an http(s) URL such as http://127.0.0.1:8000/v1');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    refuse('base_url', text, 'must be an http(s) URL such as http://127.0.0.1:8000/v1');
  }
  // A key in the URL would be sent and quoted in errors; api_key_env is the place for it.
  if (url.username !== '' || url.password !== '' || url.search !== '') {
    refuse('base_url', url.origin, 'must carry no credentials or query; use api_key_env for the key');
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Reads an `openai` model's runtime options: `base_url` (the upstream's http(s) base URL with its
 * version path) and `model` (the upstream's model name) are required; `api` (`chat` or
 * `completions`, default `chat`), `api_key_env` (the name of the environment variable holding the
 * key), `max_in_flight` (integer >= 1, default 8), `timeout_ms` (> 0, default 60000),
 * `max_retries` (integer, default 3), `retry_min_delay_ms` (default 500), `retry_max_delay_ms`
 * (default 20000) and the prices `input_usd_per_million_tokens` / `output_usd_per_million_tokens`
 * (default 0) are optional. An empty value counts as absent.
 * @throws FailedPreconditionError naming the option when one is missing, malformed or unknown.
 */
export function parseOpenAiOptions(options: Record<string, string>): ResolvedOpenAiOptions {
  const unknown = Object.keys(options).find((key) => !KNOWN_OPTIONS.includes(key));
  if (unknown !== undefined) {
    throw new FailedPreconditionError(
      `openai runtime option ${unknown} is not known; the options are ${KNOWN_OPTIONS.join(', ')}`,
    );
  }
  const api = options['api'] || 'chat';
  if (!API_PATTERN.test(api)) refuse('api', api, 'must be chat or completions');
  const apiKeyEnv = options['api_key_env'] || undefined;
  if (apiKeyEnv !== undefined && !ENV_NAME_PATTERN.test(apiKeyEnv)) {
    refuse('api_key_env', apiKeyEnv, 'must be an environment variable name such as OPENAI_API_KEY');
  }
  const maxInFlight = readNumber(options, 'max_in_flight', DEFAULT_MAX_IN_FLIGHT, true);
  if (maxInFlight < 1) refuse('max_in_flight', options['max_in_flight'] ?? '', 'must be at least 1');
  const timeoutMs = readNumber(options, 'timeout_ms', DEFAULT_TIMEOUT_MS);
  if (timeoutMs === 0) refuse('timeout_ms', options['timeout_ms'] ?? '', 'must be > 0');
  const retry = {
    maxRetries: readNumber(options, 'max_retries', DEFAULT_MAX_RETRIES, true),
    minDelayMs: readNumber(options, 'retry_min_delay_ms', DEFAULT_RETRY_MIN_DELAY_MS),
    maxDelayMs: readNumber(options, 'retry_max_delay_ms', DEFAULT_RETRY_MAX_DELAY_MS),
  };
  if (retry.maxDelayMs < retry.minDelayMs) {
    refuse('retry_max_delay_ms', options['retry_max_delay_ms'] ?? '', 'must be at least retry_min_delay_ms');
  }
  return {
    baseUrl: readBaseUrl(options),
    model: requireText(options, 'model'),
    api: api as OpenAiApi,
    apiKeyEnv,
    maxInFlight,
    timeoutMs,
    retry,
    inputUsdPerMillionTokens: readNumber(options, 'input_usd_per_million_tokens', 0),
    outputUsdPerMillionTokens: readNumber(options, 'output_usd_per_million_tokens', 0),
  };
}
