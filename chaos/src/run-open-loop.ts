import { setTimeout as delay } from 'node:timers/promises';

/** Options for {@link runOpenLoop}. */
export interface OpenLoopOptions {
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** Ends the loop early when it returns true (checked before each send). */
  readonly shouldStop?: () => boolean;
}

/**
 * Starts `send(index)` at a fixed rate for `durationMs` whatever the answers take (open loop: a slow
 * system gets more in flight, as with real clients), then waits for every send to settle.
 * A timer that fires late sends the ones it owes at once, so the rate holds on a busy machine.
 */
export async function runOpenLoop<T>(
  options: OpenLoopOptions,
  send: (index: number) => Promise<T>,
): Promise<T[]> {
  const pending: Promise<T>[] = [];
  const intervalMs = 1000 / options.ratePerSecond;
  const startedMs = performance.now();
  const total = Math.floor((options.ratePerSecond * options.durationMs) / 1000);
  const stopped = () => options.shouldStop?.() === true;
  while (pending.length < total && !stopped()) {
    const due = Math.min(total, Math.floor((performance.now() - startedMs) / intervalMs) + 1);
    while (pending.length < due && !stopped()) pending.push(send(pending.length));
    await delay(Math.max(1, startedMs + pending.length * intervalMs - performance.now()));
  }
  return Promise.all(pending);
}
