import { ResourceExhaustedError } from '@switchboard/errors';
import type { Prediction } from '../selection/choose-feasible.js';

/** Retry delays are kept within these bounds: no busy loop, no hint beyond any real backlog. */
const MIN_RETRY_AFTER_MS = 50;
const MAX_RETRY_AFTER_MS = 30_000;
/** The hint when the drain rate is unknown (no estimate of the queue's wait). */
const UNKNOWN_RETRY_AFTER_MS = 1_000;

/** What admission needs to know about the chosen model's queue. */
export interface QueueState {
  /** Jobs of the model queued or running, across routers as far as this one knows. */
  jobsAhead: number;
  /** `ROUTER_MAX_QUEUED_PER_MODEL`. */
  maxQueuedPerModel: number;
}

const clampRetry = (ms: number) =>
  Math.round(
    Math.min(
      MAX_RETRY_AFTER_MS,
      Math.max(MIN_RETRY_AFTER_MS, Number.isFinite(ms) ? ms : UNKNOWN_RETRY_AFTER_MS),
    ),
  );

/**
 * Refuses a request at once, with a retry delay, rather than queue it to time out: when the model
 * it would run on already has `maxQueuedPerModel` jobs ahead, or when its predicted latency (queue
 * wait plus service time) reaches past the request's deadline, so it could not be answered in time.
 * A model without a live worker (infinite wait) is not refused here: its jobs wait for a worker to
 * be placed. Only the hard deadline counts: a route may still degrade past its latency budget.
 * @throws ResourceExhaustedError (retryable) saying why and when to retry.
 */
export function checkQueueAdmission(
  first: Prediction,
  queue: QueueState,
  deadlineUnixMs: number,
  nowMs = Date.now(),
): void {
  const { jobsAhead, maxQueuedPerModel } = queue;
  const model = first.model.name;
  if (jobsAhead >= maxQueuedPerModel) {
    // The wait for the excess to drain: the queue's wait scaled to the jobs over the bound.
    const excess = jobsAhead - maxQueuedPerModel + 1;
    const retryAfterMs = clampRetry((first.queueWaitMs * excess) / Math.max(1, jobsAhead));
    throw new ResourceExhaustedError(
      `model ${model} has ${jobsAhead} jobs queued, its limit (ROUTER_MAX_QUEUED_PER_MODEL=${maxQueuedPerModel}); retry in ${retryAfterMs} ms`,
      { retryAfterMs },
    );
  }
  const remainingMs = deadlineUnixMs - nowMs;
  if (Number.isFinite(first.latencyMs) && first.latencyMs >= remainingMs) {
    // By then the backlog ahead of this request has drained as far as this deadline needs.
    const retryAfterMs = clampRetry(first.latencyMs - remainingMs);
    throw new ResourceExhaustedError(
      `model ${model} is overloaded: with ${jobsAhead} jobs ahead it is predicted to answer in ` +
        `${Math.round(first.latencyMs)} ms, after the deadline ${Math.round(remainingMs)} ms away; ` +
        `retry in ${retryAfterMs} ms or allow more time`,
      { retryAfterMs },
    );
  }
}
