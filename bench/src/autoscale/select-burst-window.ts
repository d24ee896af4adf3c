/** The stretch of a trace a run replays, in trace milliseconds from the trace's first request. */
export interface BurstWindow {
  readonly startMs: number;
  readonly endMs: number;
  /** Width of the bins the burstiness was measured in. */
  readonly binMs: number;
  /** Arrivals in the busiest bin ÷ arrivals in the mean bin of the window. */
  readonly peakToMean: number;
  /** Mean arrivals per second over the window. */
  readonly meanPerSecond: number;
  /** Arrivals per second in the busiest bin. */
  readonly peakPerSecond: number;
  /** Start of the busiest bin. */
  readonly peakAtMs: number;
}

/** Arrivals per bin of `binMs` from offset 0; `offsetsMs` need not be sorted. */
function countPerBin(offsetsMs: readonly number[], binMs: number): number[] {
  const counts: number[] = [];
  for (const offsetMs of offsetsMs) {
    const bin = Math.floor(offsetMs / binMs);
    while (counts.length <= bin) counts.push(0);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts;
}

/** The window of `binCount` bins starting at bin `first`: its total and its busiest bin. */
function describeWindow(counts: readonly number[], first: number, binCount: number) {
  let total = 0;
  let peak = 0;
  let peakBin = first;
  for (let bin = first; bin < first + binCount; bin += 1) {
    const count = counts[bin] ?? 0;
    total += count;
    if (count > peak) [peak, peakBin] = [count, bin];
  }
  return { total, peak, peakBin };
}

/**
 * The burstiest stretch of a trace: of all windows of `windowMs` that start on a bin boundary and
 * lie inside the trace, the one whose busiest bin of `binMs` holds the most arrivals relative to
 * the window's mean bin (the earliest on a tie), starting no earlier than `earliestStartMs` (so the
 * lead-in before it is whole) where the trace is long enough. A trace shorter than that gives the
 * latest window it holds, or the window from its start. Bursts are what scaling has to follow; a steady stretch would not tell a forecast
 * from a fixed pool.
 * @param offsetsMs arrival times, ms after the trace's first request.
 * @throws Error when `windowMs` is not a whole number of bins, or the trace is empty.
 */
export function selectBurstWindow(
  offsetsMs: readonly number[],
  windowMs: number,
  binMs: number,
  earliestStartMs = 0,
): BurstWindow {
  const binCount = Math.round(windowMs / binMs);
  if (binCount < 1 || Math.abs(binCount * binMs - windowMs) > 1e-6) {
    throw new Error(`a window of ${windowMs} ms is not a whole number of ${binMs} ms bins`);
  }
  if (offsetsMs.length === 0) throw new Error('the trace has no arrivals');
  const counts = countPerBin(offsetsMs, binMs);
  const lastFirst = Math.max(0, counts.length - binCount);
  const firstFirst = Math.min(lastFirst, Math.ceil(earliestStartMs / binMs));
  let best = { first: firstFirst, ratio: -1, ...describeWindow(counts, firstFirst, binCount) };
  for (let first = firstFirst; first <= lastFirst; first += 1) {
    const window = describeWindow(counts, first, binCount);
    if (window.total === 0) continue;
    const ratio = (window.peak * binCount) / window.total;
    if (ratio > best.ratio) best = { first, ratio, ...window };
  }
  const seconds = windowMs / 1_000;
  return {
    startMs: best.first * binMs,
    endMs: best.first * binMs + windowMs,
    binMs,
    peakToMean: best.ratio,
    meanPerSecond: best.total / seconds,
    peakPerSecond: best.peak / (binMs / 1_000),
    peakAtMs: best.peakBin * binMs,
  };
}
