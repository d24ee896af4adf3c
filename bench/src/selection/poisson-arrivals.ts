import type { TraceArrival } from '../shared/read-trace.js';
import type { Random } from '../shared/seeded-random.js';

/**
 * The stand-in for the Azure traces when they are absent: their combined mean rate (5.53 conv +
 * 2.57 code requests per second) and a log-normal prompt size with about their median (1,020–1,469
 * tokens) and spread, cut to [16, 8,192] tokens. Poisson arrivals have none of the traces' bursts.
 */
export const POISSON_RATE_PER_SECOND = 8.1;
const MEDIAN_PROMPT_TOKENS = 1_200;
const PROMPT_LOG_SPREAD = 0.8;
const MIN_PROMPT_TOKENS = 16;
const MAX_PROMPT_TOKENS = 8_192;

/** A standard normal draw (Box–Muller). */
function drawNormal(random: Random): number {
  const radius = Math.sqrt(-2 * Math.log(1 - random()));
  return radius * Math.cos(2 * Math.PI * random());
}

/**
 * Seeded Poisson arrivals over `durationMs` of trace time, at {@link POISSON_RATE_PER_SECOND}:
 * exponential gaps between requests, log-normal prompt sizes.
 */
export function createPoissonArrivals(durationMs: number, random: Random): TraceArrival[] {
  const arrivals: TraceArrival[] = [];
  const meanGapMs = 1000 / POISSON_RATE_PER_SECOND;
  for (let offsetMs = -meanGapMs * Math.log(1 - random()); offsetMs < durationMs;) {
    const tokens = Math.round(MEDIAN_PROMPT_TOKENS * Math.exp(PROMPT_LOG_SPREAD * drawNormal(random)));
    arrivals.push({
      offsetMs,
      promptTokens: Math.min(MAX_PROMPT_TOKENS, Math.max(MIN_PROMPT_TOKENS, tokens)),
      // The selection benchmark sizes requests by their input only.
      outputTokens: 0,
    });
    offsetMs += -meanGapMs * Math.log(1 - random());
  }
  return arrivals;
}
