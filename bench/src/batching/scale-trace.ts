import type { TraceArrival } from '../shared/read-trace.js';

/** Options of {@link scaleTrace}. */
export interface TraceScaleOptions {
  /** The trace request the schedule starts with; later ones follow in order, wrapping to the first. */
  readonly startIndex: number;
  /** Arrivals per second the schedule should offer, in the trace's (simulated) time. */
  readonly ratePerSecond: number;
  /** How long the schedule runs, ms of trace time. */
  readonly durationMs: number;
}

/**
 * Consecutive requests of a trace, time-scaled to a target rate: `ratePerSecond × durationMs`
 * requests (at least one) from `startIndex` on, with the trace's own gaps between them stretched or
 * squeezed by one factor so that they fill `durationMs` exactly. Bursts and lulls keep their shape
 * and every request keeps its sizes; only the clock changes. Past the trace's end it wraps to
 * the first request, with the trace's mean gap in between.
 * @throws RangeError for an empty trace or a rate or duration that is not > 0.
 */
export function scaleTrace(trace: readonly TraceArrival[], options: TraceScaleOptions): TraceArrival[] {
  const { ratePerSecond, durationMs } = options;
  if (trace.length === 0) throw new RangeError('cannot scale an empty trace');
  if (!(ratePerSecond > 0) || !(durationMs > 0)) {
    throw new RangeError(`rate and duration must be > 0, got ${ratePerSecond}/s over ${durationMs} ms`);
  }
  const count = Math.max(1, Math.round((ratePerSecond * durationMs) / 1_000));
  const spanMs = (trace.at(-1)?.offsetMs ?? 0) - (trace[0]?.offsetMs ?? 0);
  const meanGapMs = trace.length > 1 ? spanMs / (trace.length - 1) : 0;
  const at = (position: number) => trace[position % trace.length] as TraceArrival;
  const gapAfter = (position: number) => {
    const next = (position + 1) % trace.length;
    return next === 0 ? meanGapMs : at(next).offsetMs - at(position).offsetMs;
  };
  const start = ((options.startIndex % trace.length) + trace.length) % trace.length;
  const gaps = Array.from({ length: count }, (_, step) => gapAfter(start + step));
  const totalGapMs = gaps.reduce((sum, gap) => sum + gap, 0);
  // A trace whose requests all share one timestamp has no shape to keep: spread them evenly.
  const scaled =
    totalGapMs > 0 ? gaps.map((gap) => (gap * durationMs) / totalGapMs) : gaps.map(() => durationMs / count);
  let offsetMs = 0;
  return scaled.map((gapMs, step) => {
    const { promptTokens, outputTokens } = at(start + step);
    const arrival = { offsetMs, promptTokens, outputTokens };
    offsetMs += gapMs;
    return arrival;
  });
}
