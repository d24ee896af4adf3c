import type { Prediction } from './choose-feasible.js';

// What the router aims a queued request's latency at, and how long it tells a refused one to wait.

/**
 * The share of a request's latency budget a queued request's predicted latency is aimed at: the
 * prediction is a mean, and under overload the accepted requests' P99 ran ~1.3x it (chaos scenario
 * 10 admitting up to the whole budget: P50 906 ms, P99 1166 ms against a 1000 ms SLO).
 */
export const BUDGET_TARGET_SHARE = 0.75;

/**
 * Whether the jobs ahead push `prediction` past {@link BUDGET_TARGET_SHARE} of `budgetMs` while its
 * service time alone stays within it. Admission refuses a request on such a model, so selection
 * passes over the model while another candidate fits: choosing it would turn a request another
 * model could serve in time into a refusal. A model slower than the target on its own is not
 * "queued past" it: no queue is to blame, and it may still be the route's fastest.
 */
export function queuedPastTarget(
  prediction: Pick<Prediction, 'latencyMs' | 'queueWaitMs'>,
  budgetMs: number,
): boolean {
  const targetMs = budgetMs * BUDGET_TARGET_SHARE;
  const serviceMs = prediction.latencyMs - prediction.queueWaitMs;
  return prediction.queueWaitMs > 0 && prediction.latencyMs > targetMs && serviceMs <= targetMs;
}

/** Retry delays are kept within these bounds: no busy loop, no hint beyond any real backlog. */
const MIN_RETRY_AFTER_MS = 50;
const MAX_RETRY_AFTER_MS = 30_000;
/** The hint when the drain rate is unknown (no estimate of the queue's wait). */
const UNKNOWN_RETRY_AFTER_MS = 1_000;

/** The retry delay to tell a request refused for a queue: `ms`, whole and within the bounds above. */
export const clampRetryAfterMs = (ms: number) =>
  Math.round(
    Math.min(
      MAX_RETRY_AFTER_MS,
      Math.max(MIN_RETRY_AFTER_MS, Number.isFinite(ms) ? ms : UNKNOWN_RETRY_AFTER_MS),
    ),
  );
