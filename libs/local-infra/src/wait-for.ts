import { setTimeout as delay } from 'node:timers/promises';

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. @default 5000 */
  readonly timeoutMs?: number;
  /** Pause between attempts. @default 50 */
  readonly intervalMs?: number;
  /** Says what was awaited, for the timeout error. @default 'condition' */
  readonly message?: string;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_INTERVAL_MS = 50;

/**
 * Calls `predicate` until it returns a truthy value and resolves with that value. A throwing
 * predicate counts as "not yet" (a server that is still starting refuses connections; a polled
 * assertion fails); the last error becomes the cause of the timeout error. Tests get it through
 * `@switchboard/testkit`; `switchboard up` and the benchmark wait for their services with it.
 * @example const row = await waitFor(() => findJob(sql, id), { message: 'job row' });
 * @throws Error `timed out after <timeoutMs> ms waiting for <message>` when time runs out
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Awaited<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value;
      lastError = undefined;
    } catch (error: unknown) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const message = `timed out after ${timeoutMs} ms waiting for ${options.message ?? 'condition'}`;
      throw new Error(message, lastError === undefined ? {} : { cause: lastError });
    }
    await delay(options.intervalMs ?? DEFAULT_INTERVAL_MS);
  }
}
