import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Node turns a longer timer into a 1 ms one (TimeoutOverflowWarning), which would skip the wait. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits at least `loadMs`, a synthetic runtime's simulated cold start. Timers may fire a fraction
 * of a millisecond early by the monotonic clock, so the wait is repeated until the time has passed:
 * a measured load time is then never below the configured one.
 */
export async function simulateLoad(loadMs: number): Promise<void> {
  const untilMs = performance.now() + loadMs;
  for (let leftMs = loadMs; leftMs > 0; leftMs = untilMs - performance.now()) {
    await sleep(Math.min(Math.max(1, leftMs), MAX_TIMER_MS));
  }
}
