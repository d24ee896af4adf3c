import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { SwitchboardError, UnavailableError, toStatusData } from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';
import { storeResult } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import type { JobOutcome } from './execute-batch.js';
import type { HeldJob } from './held-job.js';
import { publishDeadLetter, publishResult } from './job-replies.js';
import type { JobResultInit } from './job-replies.js';
import type { JobDisposition, ModelServerObserver } from './model-server-observer.js';
import { endJobSpan } from './worker-spans.js';

/** Delay before a job whose batch failed with a retryable error is delivered again. */
const RETRY_DELAY_MS = 100;

/** Where {@link JobSettler} sends answers and dead letters, and how many attempts a job gets. */
export interface JobSettlerOptions {
  connection: NatsConnection;
  jetstream: JetStreamClient;
  names: SubjectNames;
  /** The model whose jobs it settles, for the observer. */
  model: string;
  workerId: string;
  maxAttempts: number;
  logger: Logger;
  observer?: ModelServerObserver;
}

/**
 * Settles the jobs of one model: answers each to its router inbox and then acks it, hands it back
 * for another attempt, or gives up on it (answer, dead-letter record, removal), and ends its span.
 */
export class JobSettler {
  constructor(private readonly options: JobSettlerOptions) {}

  /** Answers a job with an error that retrying cannot fix, without running it, and acks it. */
  refuse(held: HeldJob, error: unknown, disposition: Extract<JobDisposition, 'error' | 'expired'>): void {
    this.#answerWithError(held, error, () => held.message.ack(), disposition === 'expired');
    this.options.observer?.jobSettled(this.options.model, disposition);
  }

  /** Final answer for a job that used up its attempts: an error reply, a dead-letter record, then removal. */
  giveUp(held: HeldJob, error: unknown): void {
    const status = toStatusData(error);
    const reason = `${status.message} (after ${held.attempt} deliveries)`;
    this.#answerWithError(held, new UnavailableError(`request could not be served: ${reason}`), () => {});
    const { jetstream, names, workerId, logger } = this.options;
    publishDeadLetter(jetstream, names, { job: held.job, reason, deliveries: held.attempt, workerId })
      .catch((publishError: unknown) => logger.error({ err: publishError }, 'dead-letter record lost'))
      // A bare TERM: nats-server before 2.10 ignores `+TERM <reason>` and would redeliver the job;
      // the reason is in the dead-letter record and the log.
      .finally(() => held.message.term());
    logger.warn({ requestId: held.job.requestId, reason }, 'job dead-lettered');
    this.options.observer?.jobSettled(this.options.model, 'dead_lettered');
  }

  /**
   * Settles a job whose batch ran (or whose version could not be loaded): its result, or its error
   * answered at once, retried while attempts remain when retrying can help, or given up on.
   * `synthetic` says whether a synthetic runtime produced the result.
   */
  settle(outcome: JobOutcome, batchStartedAtMs: number, synthetic: boolean): void {
    const { held } = outcome;
    if ('error' in outcome) {
      this.#settleFailure(held, outcome.error);
      return;
    }
    const result = {
      requestId: held.job.requestId,
      status: { code: 0 },
      response: outcome.response,
      timings: toTimings(held, batchStartedAtMs, outcome.executeUs),
      ...(outcome.confidence === undefined ? {} : { confidence: outcome.confidence }),
      workerId: this.options.workerId,
      batchSize: outcome.batchSize,
      attempt: held.attempt,
      synthetic,
    };
    this.#answer(held, result, () => held.message.ack());
    endJobSpan(held.span);
    this.options.observer?.jobSettled(this.options.model, 'ok');
  }

  #settleFailure(held: HeldJob, error: unknown): void {
    const retryable = error instanceof SwitchboardError && error.retryable;
    if (!(error instanceof SwitchboardError))
      this.options.logger.error({ err: error }, 'batch failed unexpectedly');
    if (retryable && held.attempt < this.options.maxAttempts) {
      held.message.nak(RETRY_DELAY_MS);
      endJobSpan(held.span, error);
      this.options.observer?.jobSettled(this.options.model, 'retried');
    } else if (retryable) {
      this.giveUp(held, error);
    } else {
      this.refuse(held, error, 'error');
    }
  }

  #answerWithError(held: HeldJob, error: unknown, then: () => void, notExecuted = false): void {
    const result = {
      requestId: held.job.requestId,
      status: toStatusData(error),
      workerId: this.options.workerId,
      attempt: held.attempt,
      notExecuted,
    };
    this.#answer(held, result, then);
    endJobSpan(held.span, error);
  }

  /**
   * Replies to the job's router and, when the job has a result key, stores the result in the
   * `results` bucket for a retry of the same request id through another router; `then` (the ack)
   * runs once it is stored, so an acked job's answer is never lost with this worker. A failed store
   * is logged: the first router has its answer, only such a retry would wait in vain.
   */
  #answer(held: HeldJob, result: JobResultInit, then: () => void): void {
    const bytes = publishResult(this.options.connection, held.job, result);
    const { resultKey, requestId } = held.job;
    if (resultKey === '') return then();
    const { jetstream, names, logger } = this.options;
    storeResult(jetstream, names, resultKey, bytes)
      .catch((error: unknown) => logger.warn({ err: error, requestId }, 'result not cached for retries'))
      .finally(then);
  }
}

function toTimings(held: HeldJob, batchStartedAtMs: number, executeUs: number) {
  return {
    queueWaitUs: BigInt(Math.max(0, held.receivedAtMs - Number(held.job.enqueuedUnixMs)) * 1000),
    batchWaitUs: BigInt(Math.max(0, batchStartedAtMs - held.receivedAtMs) * 1000),
    executeUs: BigInt(executeUs),
  };
}
