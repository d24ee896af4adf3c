import type { OpenLoopOutcome } from '../shared/send-open-loop.js';

/** What one probe at one arrival rate measured, in the strategy's own time (see `timeScale`). */
export interface ProbeSummary {
  /** Arrivals per second in the measured window. */
  readonly offeredRps: number;
  /** Requests of the measured window answered OK, per second of it: the offered rate less failures. */
  readonly throughputRps: number;
  /** 99th percentile latency of the measured requests, ms; Infinity when more than 1% failed. */
  readonly p99Ms: number;
  readonly p50Ms: number;
  /** Requests sent in the measured window. */
  readonly measured: number;
  /** Of those, how many failed (error or deadline). */
  readonly failed: number;
}

/** The window a probe is judged on, wall ms after its start. */
export interface ProbeWindow {
  /** Requests sent before this are warm-up: sent, answered, not counted. */
  readonly warmUpMs: number;
  /** When the schedule's last arrival was due: the end of the measured window. */
  readonly endMs: number;
  /**
   * Simulated time runs this many times faster than wall-clock time: latencies are multiplied and
   * rates divided by it. 1 for real models.
   */
  readonly timeScale: number;
}

/** The nearest-rank percentile (0 < share <= 1) of ascending values; NaN for none. */
export function percentileOf(ascending: readonly number[], share: number): number {
  if (ascending.length === 0) return Number.NaN;
  const rank = Math.min(ascending.length, Math.max(1, Math.ceil(share * ascending.length)));
  return ascending[rank - 1] ?? Number.NaN;
}

/**
 * Summarises an open-loop probe on the requests sent in its measured window (after the warm-up):
 * their latency percentiles (a failed request counts as infinitely slow, so more than 1% failures
 * puts P99 out of any SLO), the rate they arrived at, and the rate of those answered OK — late
 * answers included, so a system that keeps up only with growing latency shows it on P99.
 */
export function summariseProbe(outcomes: readonly OpenLoopOutcome[], window: ProbeWindow): ProbeSummary {
  const windowS = Math.max(1e-9, (window.endMs - window.warmUpMs) / 1_000) * window.timeScale;
  const measured = outcomes.filter((outcome) => outcome.sentAtMs >= window.warmUpMs);
  const latenciesMs = measured
    .map((outcome) =>
      outcome.code === 0 ? (outcome.doneAtMs - outcome.sentAtMs) * window.timeScale : Infinity,
    )
    .sort((left, right) => left - right);
  return {
    offeredRps: measured.length / windowS,
    throughputRps: measured.filter((outcome) => outcome.code === 0).length / windowS,
    p99Ms: percentileOf(latenciesMs, 0.99),
    p50Ms: percentileOf(latenciesMs, 0.5),
    measured: measured.length,
    failed: measured.filter((outcome) => outcome.code !== 0).length,
  };
}
