import { ResourceExhaustedError } from '@switchboard/errors';
import type { Prediction } from '../selection/choose-feasible.js';
import { BUDGET_TARGET_SHARE, clampRetryAfterMs, queuedPastTarget } from '../selection/latency-target.js';

/** What admission needs to know about the chosen model's queue. */
export interface QueueState {
  /** Jobs of the model queued or running, across routers as far as this one knows. */
  jobsAhead: number;
  /** `ROUTER_MAX_QUEUED_PER_MODEL`. */
  maxQueuedPerModel: number;
}

/** The request's time limits, as `readRequestOptions` derived them. */
export interface RequestLimitsInTime {
  /** The hard limit: after it the answer is worthless. */
  deadlineUnixMs: number;
  /** The latency the request asks for (its SLO): the deadline, `sla_ms` or the tier's default. */
  budgetMs: number;
}

/**
 * Refuses a request at once, with a retry delay, rather than queue it to time out or to miss its
 * SLO: when the model it would run on already has `maxQueuedPerModel` jobs ahead; when jobs ahead
 * of it make its predicted latency (queue wait plus service time) exceed 3/4 of the request's
 * latency budget that its service time alone would meet (degrading to this model, the fastest,
 * cannot help); or when its predicted latency reaches past the deadline. A model without a live worker (infinite wait)
 * is not refused here: its jobs wait for a worker to be placed.
 * @throws ResourceExhaustedError (retryable) saying why and when to retry.
 */
export function checkQueueAdmission(
  first: Prediction,
  queue: QueueState,
  limits: RequestLimitsInTime,
  nowMs = Date.now(),
): void {
  const model = first.model.name;
  const { jobsAhead, maxQueuedPerModel } = queue;
  if (jobsAhead >= maxQueuedPerModel) {
    // The wait for the excess to drain: the queue's wait scaled to the jobs over the bound.
    const excess = jobsAhead - maxQueuedPerModel + 1;
    const retryAfterMs = clampRetryAfterMs((first.queueWaitMs * excess) / Math.max(1, jobsAhead));
    throw new ResourceExhaustedError(
      `model ${model} has ${jobsAhead} jobs queued, its limit (ROUTER_MAX_QUEUED_PER_MODEL=${maxQueuedPerModel}); retry in ${retryAfterMs} ms`,
      { retryAfterMs },
    );
  }
  if (!Number.isFinite(first.latencyMs)) return;
  const remainingMs = limits.deadlineUnixMs - nowMs;
  const targetMs = limits.budgetMs * BUDGET_TARGET_SHARE;
  // Only a queue makes a request miss its budget here: a model slower than the budget on its own is
  // the route's choice (it degrades to its fastest), and refusing would not make it faster; such a
  // request is refused only when its queue pushes it past the deadline.
  const queuedPastBudget = queuedPastTarget(first, limits.budgetMs);
  if (!queuedPastBudget && first.latencyMs < remainingMs) return;
  // The time by which it is too late: by then the backlog has drained as far as this request needs.
  const lateByMs = Math.max(queuedPastBudget ? first.latencyMs - targetMs : 0, first.latencyMs - remainingMs);
  const retryAfterMs = clampRetryAfterMs(lateByMs);
  throw new ResourceExhaustedError(
    `model ${model} is overloaded: with ${jobsAhead} jobs ahead it is predicted to start in ` +
      `${Math.round(first.queueWaitMs)} ms and answer in ${Math.round(first.latencyMs)} ms, too late for the ` +
      `${Math.round(limits.budgetMs)} ms latency budget or the deadline ${Math.round(remainingMs)} ms away; ` +
      `retry in ${retryAfterMs} ms or allow more time`,
    { retryAfterMs },
  );
}
