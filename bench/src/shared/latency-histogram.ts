import { build } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Latencies above a minute are recorded as a minute; every call times out long before that. */
const HIGHEST_TRACKABLE_US = 60_000_000;

/** An HDR histogram of microseconds from 1 µs to a minute, with 3 significant digits (0.1% resolution). */
export function createLatencyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  });
}

/** Records one latency in microseconds, rounded and clamped into the histogram's range. */
export function recordLatencyUs(histogram: Histogram, latencyUs: number): void {
  histogram.recordValue(Math.min(Math.max(Math.round(latencyUs), 1), HIGHEST_TRACKABLE_US));
}
