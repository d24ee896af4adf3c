import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutionError } from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';
import pRetry from 'p-retry';
import type { OpenAiRetryOptions } from './openai-options.js';

/** Where and how one model's requests go. */
export interface OpenAiTarget {
  /** The endpoint, e.g. `http://127.0.0.1:8000/v1/chat/completions`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <key>`; never logged or quoted. */
  readonly apiKey: string | undefined;
  readonly timeoutMs: number;
  readonly retry: OpenAiRetryOptions;
  /** Names the model in errors, e.g. `openai model m`. */
  readonly context: string;
  /** Receives one `warn` line per retried attempt. */
  readonly logger: Logger;
}

/** The most characters of an upstream's error message an error quotes. */
const MAX_UPSTREAM_MESSAGE_CHARACTERS = 300;
const STATUS_TOO_MANY_REQUESTS = 429;
const isRetryableStatus = (status: number) => status === STATUS_TOO_MANY_REQUESTS || status >= 500;

/** One failed attempt; `retryable` says whether another attempt may succeed. */
class AttemptError extends Error {
  constructor(
    readonly description: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(description);
  }
}

/**
 * Reads Retry-After: delay-seconds or an HTTP date (RFC 9110, section 10.2.3).
 * @returns milliseconds from now, or undefined when the header is absent or unreadable.
 */
export function parseRetryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const dateMs = Date.parse(text);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}

/** The upstream's own message: OpenAI's `error.message`, vLLM's `message`, else the body. */
function readUpstreamMessage(bodyText: string): string {
  let message = bodyText;
  try {
    const body = JSON.parse(bodyText) as { error?: { message?: unknown } | string; message?: unknown };
    const candidate = typeof body.error === 'object' ? body.error.message : (body.error ?? body.message);
    if (typeof candidate === 'string') message = candidate;
  } catch {
    // Not JSON (a proxy's HTML page, plain text): the body itself is the message.
  }
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_UPSTREAM_MESSAGE_CHARACTERS
    ? `${flat.slice(0, MAX_UPSTREAM_MESSAGE_CHARACTERS)}…`
    : flat;
}

/** Some upstreams echo the key they refused (OpenAI's 401 does, partly masked); it never goes further. */
function redact(text: string, apiKey: string | undefined): string {
  return apiKey === undefined ? text : text.replaceAll(apiKey, '[redacted]');
}

async function attempt(target: OpenAiTarget, body: string, signal: AbortSignal): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (target.apiKey !== undefined) headers['authorization'] = `Bearer ${target.apiKey}`;
  const timeout = AbortSignal.timeout(target.timeoutMs);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.any([signal, timeout]),
    });
    const text = await response.text();
    if (response.ok) return text;
    const message = redact(readUpstreamMessage(text), target.apiKey);
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
    throw new AttemptError(
      `upstream answered ${response.status}: ${JSON.stringify(message)}`,
      isRetryableStatus(response.status),
      retryAfterMs,
    );
  } catch (error: unknown) {
    if (error instanceof AttemptError || signal.aborted) throw error;
    if (timeout.aborted) {
      throw new AttemptError(`upstream did not answer within ${target.timeoutMs} ms`, true);
    }
    // fetch rejects with a TypeError whose cause names the network failure (ECONNREFUSED, ...).
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason =
      cause instanceof Error ? ('code' in cause && String(cause.code)) || cause.message : 'error';
    throw new AttemptError(`upstream unreachable (${redact(reason, target.apiKey)})`, true);
  }
}

/**
 * POSTs a JSON body to the upstream and returns its answer's body. 429, 5xx, timeouts and network
 * failures are retried with exponential backoff (p-retry, randomised by a factor in [1, 2)); a
 * Retry-After on the answer is waited for first, and one longer than the longest backoff ends the
 * retries at once.
 * @throws ExecutionError, retryable, when the last attempt failed with 429, 5xx, a timeout or a
 *   network failure; not retryable for any other status, quoting the upstream's message (at most
 *   300 characters, the key redacted). Aborting `signal` rejects with its reason.
 */
export async function sendOpenAiRequest(
  target: OpenAiTarget,
  body: string,
  signal: AbortSignal,
): Promise<string> {
  const { retry } = target;
  let attempts = 0;
  try {
    return await pRetry(
      () => {
        attempts += 1;
        return attempt(target, body, signal);
      },
      {
        retries: retry.maxRetries,
        minTimeout: retry.minDelayMs,
        maxTimeout: retry.maxDelayMs,
        factor: 2,
        randomize: true,
        signal,
        shouldRetry: ({ error }) => error instanceof AttemptError && error.retryable,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (!(error instanceof AttemptError) || !error.retryable || retriesLeft === 0) return;
          const retryAfterMs = error.retryAfterMs ?? 0;
          // Waiting past the longest backoff holds the job; the worker's own redelivery can do better.
          if (retryAfterMs > retry.maxDelayMs) throw error;
          target.logger.warn(
            { attempt: attemptNumber, retriesLeft, retryAfterMs, reason: error.description },
            'upstream request failed; retrying',
          );
          if (retryAfterMs > 0) await sleep(retryAfterMs, undefined, { signal });
        },
      },
    );
  } catch (error: unknown) {
    if (!(error instanceof AttemptError)) throw error;
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    throw new ExecutionError(`${target.context}: ${error.description} (${tries})`, {
      retryable: error.retryable,
    });
  }
}
