import { describe, expect, it } from 'vitest';
import type { TraceArrival } from '../shared/read-trace.js';
import { scaleTrace } from './scale-trace.js';

/** Four requests at 0, 1, 3 and 6 s (gaps 1, 2, 3 s), each with its own sizes. */
const TRACE: TraceArrival[] = [0, 1_000, 3_000, 6_000].map((offsetMs, index) => ({
  offsetMs,
  promptTokens: 100 + index,
  outputTokens: 10 + index,
}));

describe('scaleTrace', () => {
  it('offers the target rate over the duration with the trace gaps in proportion', () => {
    const schedule = scaleTrace(TRACE, { startIndex: 0, ratePerSecond: 3, durationMs: 1_000 });
    // Three requests; gaps 1:2:3 stretched to fill 1 s: 1/6, 2/6 and (after the last) 3/6 s.
    expect(schedule.map((arrival) => arrival.offsetMs)).toEqual([0, 1_000 / 6, 3_000 / 6]);
    expect(schedule.map((arrival) => arrival.promptTokens)).toEqual([100, 101, 102]);
    expect(schedule.map((arrival) => arrival.outputTokens)).toEqual([10, 11, 12]);
  });

  it('starts at the given request and wraps past the end with the mean gap', () => {
    const schedule = scaleTrace(TRACE, { startIndex: 3, ratePerSecond: 2, durationMs: 2_000 });
    expect(schedule.map((arrival) => arrival.promptTokens)).toEqual([103, 100, 101, 102]);
    // Gaps 2 s (the mean, across the wrap), 1 s, 2 s and 3 s: 8 s squeezed into 2 s.
    expect(schedule.map((arrival) => arrival.offsetMs)).toEqual([0, 500, 750, 1_250]);
  });

  it('spreads requests evenly when the trace has no gaps at all', () => {
    const flat = TRACE.map((arrival) => ({ ...arrival, offsetMs: 0 }));
    const schedule = scaleTrace(flat, { startIndex: 0, ratePerSecond: 2, durationMs: 2_000 });
    expect(schedule.map((arrival) => arrival.offsetMs)).toEqual([0, 500, 1_000, 1_500]);
  });

  it('refuses an empty trace and a rate that is not > 0', () => {
    expect(() => scaleTrace([], { startIndex: 0, ratePerSecond: 1, durationMs: 1_000 })).toThrow(RangeError);
    expect(() => scaleTrace(TRACE, { startIndex: 0, ratePerSecond: 0, durationMs: 1_000 })).toThrow(
      RangeError,
    );
  });
});
