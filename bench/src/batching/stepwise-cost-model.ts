import type { TraceArrival } from '../shared/read-trace.js';
import { percentileOf } from './summarise-probe.js';
import { STEPWISE_TIMING } from './stepwise-strategy-specs.js';

/** The step-wise LLM's SLO is this many times the P99 of the trace's requests served alone. */
const SLO_PER_ALONE_P99 = 2.5;

/**
 * How long a request takes served alone, ms of simulated time: its admission (base cost plus
 * prefill of its input tokens) and one decode step per output token with one sequence in it.
 */
export function aloneLatencyMs(arrival: Pick<TraceArrival, 'promptTokens' | 'outputTokens'>): number {
  const { ttftMs, prefillUsPerToken, decodeMsPerStep, decodeUsPerSequence } = STEPWISE_TIMING;
  return (
    ttftMs +
    (arrival.promptTokens * prefillUsPerToken) / 1_000 +
    arrival.outputTokens * (decodeMsPerStep + decodeUsPerSequence / 1_000)
  );
}

/**
 * The default P99 SLO for a trace: {@link SLO_PER_ALONE_P99} × the P99 of its requests' latency
 * alone, rounded to the second, so a trace of longer answers gets a looser bound.
 */
export function defaultStepwiseSloMs(trace: readonly TraceArrival[]): number {
  const alone = trace.map(aloneLatencyMs).sort((left, right) => left - right);
  return Math.max(1_000, Math.round((SLO_PER_ALONE_P99 * percentileOf(alone, 0.99)) / 1_000) * 1_000);
}

/**
 * Requests per second of simulated time one sequence at a time would serve: one over a mean
 * request's latency alone. Rate searches start from multiples of it.
 */
export function serialCapacityPerSecond(trace: readonly TraceArrival[]): number {
  const meanMs = trace.reduce((sum, arrival) => sum + aloneLatencyMs(arrival), 0) / Math.max(1, trace.length);
  return 1_000 / meanMs;
}
