import { setTimeout as sleep } from 'node:timers/promises';

const POLL_INTERVAL_MS = 200;

/**
 * Polls `check` until it returns true. Errors count as "not yet": a service that is still starting
 * refuses connections. @throws Error naming `what` after `timeoutMs`, with the last error as cause.
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`${what} within ${timeoutMs / 1000} s`, { cause: lastError });
}
