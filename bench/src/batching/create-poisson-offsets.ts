import type { Random } from '../shared/seeded-random.js';

/**
 * Arrival times of a Poisson process of `ratePerSecond` over `durationMs`: exponential gaps drawn
 * from `random`, so a seed repeats the schedule. The open-loop arrivals of independent clients.
 * @returns ms after the start, ascending, each in [0, durationMs).
 */
export function createPoissonOffsets(ratePerSecond: number, durationMs: number, random: Random): number[] {
  const meanGapMs = 1_000 / ratePerSecond;
  const offsets: number[] = [];
  for (let offsetMs = -meanGapMs * Math.log(1 - random()); offsetMs < durationMs;) {
    offsets.push(offsetMs);
    offsetMs += -meanGapMs * Math.log(1 - random());
  }
  return offsets;
}
