import { fromBinary, toBinary } from '@bufbuild/protobuf';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeadlineExceededError, SwitchboardError, UnavailableError, toStatusData } from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';
import { PRIORITY_LEVELS, ensureWorkConsumer } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { BatchRecordSchema, BatchingMode, JobSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { BatchRecorder } from './batch-recorder.js';
import { Batcher } from './batcher.js';
import { executeBatch } from './execute-batch.js';
import type { JobOutcome } from './execute-batch.js';
import type { HeldJob } from './held-job.js';
import { publishDeadLetter, publishResult } from './job-replies.js';
import type { ModelServerObserver } from './model-server-observer.js';
import type { LoadedModel } from './runtimes/runtime.js';
import { endBatchSpan, endJobSpan, runInSpan, startBatchSpan, startJobSpan } from './worker-spans.js';

/** Delay before a job whose batch failed with a retryable error is delivered again. */
const RETRY_DELAY_MS = 100;
/** Static batching waits this long for a full batch when the model sets no delay, so no job waits forever. */
const STATIC_BATCH_FILL_DELAY_MS = 50;

export interface ModelServerOptions {
  connection: NatsConnection;
  jetstream: JetStreamClient;
  manager: JetStreamManager;
  names: SubjectNames;
  spec: ModelSpec;
  model: LoadedModel;
  workerId: string;
  ackWaitMs: number;
  maxAttempts: number;
  maxRequestBytes: number;
  logger: Logger;
  /** Told about every batch and every settled job, e.g. for Prometheus metrics. */
  observer?: ModelServerObserver;
}

function batchLimits(spec: ModelSpec): { maxBatchSize: number; maxQueueDelayMs: number } {
  const batching = spec.batching;
  const maxBatchSize = Math.max(1, batching?.maxBatchSize ?? 1);
  const delayMs = (batching?.maxQueueDelayUs ?? 0) / 1000;
  switch (batching?.mode) {
    case BatchingMode.STATIC:
      return { maxBatchSize, maxQueueDelayMs: delayMs > 0 ? delayMs : STATIC_BATCH_FILL_DELAY_MS };
    case BatchingMode.DYNAMIC:
      return { maxBatchSize, maxQueueDelayMs: delayMs };
    default:
      return { maxBatchSize: 1, maxQueueDelayMs: 0 };
  }
}

/**
 * Serves one model on a worker: pulls its jobs from one durable consumer per priority, batches them,
 * runs them on the loaded model, answers each job and only then acks it. Jobs past their deadline are
 * answered DEADLINE_EXCEEDED without running; retryable failures are retried up to `maxAttempts`,
 * after which the job is answered with an error and dead-lettered.
 */
export class ModelServer {
  readonly #batcher: Batcher<HeldJob>;
  readonly #recorder: BatchRecorder;
  readonly #subscriptions: ConsumerMessages[] = [];
  readonly #pumps: Promise<void>[] = [];
  readonly #logger: Logger;
  #progressTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ModelServerOptions) {
    this.#logger = options.logger.child({ component: 'model-server', model: options.spec.name });
    this.#recorder = new BatchRecorder(options.spec, options.model, options.workerId);
    this.#batcher = new Batcher({
      ...batchLimits(options.spec),
      priorityLevels: PRIORITY_LEVELS.length,
      run: (batch) => this.#runBatch(batch),
    });
  }

  /** Creates the model's consumers and starts pulling jobs. */
  async start(): Promise<void> {
    const { manager, jetstream, names, spec, ackWaitMs, maxAttempts, logger } = this.options;
    const maxBatchSize = batchLimits(spec).maxBatchSize;
    for (const [level, priority] of PRIORITY_LEVELS.entries()) {
      const durable = await ensureWorkConsumer(manager, names, spec.name, priority, {
        ackWaitMs,
        // One delivery beyond the allowed attempts, used to answer the job with an error.
        maxDeliver: maxAttempts + 1,
        maxAckPending: 10_000,
      });
      const consumer = await jetstream.consumers.get(names.inferStream, durable);
      const messages = await consumer.consume({ max_messages: maxBatchSize * 2 });
      this.#subscriptions.push(messages);
      this.#pumps.push(
        (async () => {
          for await (const message of messages) this.#receive(message, level);
        })().catch((error: unknown) => logger.error({ err: error, durable }, 'job consumer failed')),
      );
    }
    // Jobs waiting in the batcher or running count against AckWait; tell JetStream they are in progress.
    this.#progressTimer = setInterval(
      () => {
        for (const held of this.#batcher.held()) held.message.working();
      },
      Math.max(100, ackWaitMs / 3),
    );
    this.#logger.info({ priorities: PRIORITY_LEVELS.length }, 'serving model');
  }

  /** Jobs received and not yet answered. */
  get inFlight(): number {
    return this.#batcher.held().length;
  }

  /**
   * Stops pulling, runs what was already received for up to `graceMs`, and hands any job still queued
   * back to JetStream for another worker. Idempotent.
   */
  async stop(graceMs: number): Promise<void> {
    for (const subscription of this.#subscriptions.splice(0)) subscription.stop();
    await Promise.all(this.#pumps.splice(0));
    const flushed = this.#batcher.flush();
    const timedOut = await Promise.race([
      flushed.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(resolve, graceMs, true).unref()),
    ]);
    for (const held of this.#batcher.takeQueued()) {
      held.message.nak();
      endJobSpan(held.span);
    }
    if (timedOut) await flushed;
    clearInterval(this.#progressTimer);
  }

  #receive(message: JsMsg, level: number): void {
    let job;
    try {
      job = fromBinary(JobSchema, message.data);
    } catch (error) {
      // Without a decodable job there is no reply subject to answer; drop it for good.
      this.#logger.error({ err: error, subject: message.subject }, 'discarding undecodable job');
      message.term();
      this.options.observer?.jobSettled(this.options.spec.name, 'error');
      return;
    }
    const held: HeldJob = {
      job,
      message,
      level,
      receivedAtMs: Date.now(),
      attempt: message.info.deliveryCount,
      span: startJobSpan(message, job, this.options.workerId),
    };
    if (Number(job.deadlineUnixMs) <= held.receivedAtMs) {
      this.#answerWithError(
        held,
        new DeadlineExceededError('the request deadline passed while it was queued'),
      );
      message.ack();
      this.options.observer?.jobSettled(this.options.spec.name, 'expired');
    } else if (held.attempt > this.options.maxAttempts) {
      const reason = `job was delivered ${held.attempt - 1} times without being answered (workers stopped or timed out)`;
      this.#giveUp(held, new UnavailableError(reason));
    } else {
      this.#batcher.push(held, level);
    }
  }

  async #runBatch(batch: HeldJob[]): Promise<void> {
    const { model, spec, maxRequestBytes } = this.options;
    const startedAtMs = Date.now();
    const batchSpan = startBatchSpan(spec.name, this.options.workerId, batch);
    const outcomes = await runInSpan(batchSpan, () => executeBatch(model, spec, batch, maxRequestBytes));
    // In each job's span, so what settling logs (a dead letter, say) carries that request's trace id.
    for (const outcome of outcomes) runInSpan(outcome.held.span, () => this.#settle(outcome, startedAtMs));
    this.#publishBatchRecord(outcomes, startedAtMs);
    endBatchSpan(batchSpan, outcomes);
  }

  #settle(outcome: JobOutcome, batchStartedAtMs: number): void {
    const { held } = outcome;
    if ('error' in outcome) {
      const { error } = outcome;
      const retryable = error instanceof SwitchboardError && error.retryable;
      if (!(error instanceof SwitchboardError))
        this.#logger.error({ err: error }, 'batch failed unexpectedly');
      if (retryable && held.attempt < this.options.maxAttempts) {
        held.message.nak(RETRY_DELAY_MS);
        endJobSpan(held.span, error);
        this.options.observer?.jobSettled(this.options.spec.name, 'retried');
      } else if (retryable) {
        this.#giveUp(held, error);
      } else {
        this.#answerWithError(held, error);
        held.message.ack();
        this.options.observer?.jobSettled(this.options.spec.name, 'error');
      }
      return;
    }
    publishResult(this.options.connection, held.job, {
      requestId: held.job.requestId,
      status: { code: 0 },
      response: outcome.response,
      timings: this.#timings(held, batchStartedAtMs, outcome.executeUs),
      ...(outcome.confidence === undefined ? {} : { confidence: outcome.confidence }),
      workerId: this.options.workerId,
      batchSize: outcome.batchSize,
      attempt: held.attempt,
      synthetic: this.options.model.synthetic,
    });
    held.message.ack();
    endJobSpan(held.span);
    this.options.observer?.jobSettled(this.options.spec.name, 'ok');
  }

  #timings(held: HeldJob, batchStartedAtMs: number, executeUs: number) {
    return {
      queueWaitUs: BigInt(Math.max(0, held.receivedAtMs - Number(held.job.enqueuedUnixMs)) * 1000),
      batchWaitUs: BigInt(Math.max(0, batchStartedAtMs - held.receivedAtMs) * 1000),
      executeUs: BigInt(executeUs),
    };
  }

  #answerWithError(held: HeldJob, error: unknown): void {
    const status = toStatusData(error);
    publishResult(this.options.connection, held.job, {
      requestId: held.job.requestId,
      status,
      workerId: this.options.workerId,
      attempt: held.attempt,
    });
    endJobSpan(held.span, error);
  }

  /** Final answer for a job that used up its attempts: an error reply, a dead-letter record, then removal. */
  #giveUp(held: HeldJob, error: unknown): void {
    const status = toStatusData(error);
    const reason = `${status.message} (after ${held.attempt} deliveries)`;
    this.#answerWithError(held, new UnavailableError(`request could not be served: ${reason}`));
    const { jetstream, names, workerId } = this.options;
    publishDeadLetter(jetstream, names, { job: held.job, reason, deliveries: held.attempt, workerId })
      .catch((publishError: unknown) => this.#logger.error({ err: publishError }, 'dead-letter record lost'))
      .finally(() => held.message.term(reason));
    this.#logger.warn({ requestId: held.job.requestId, reason }, 'job dead-lettered');
    this.options.observer?.jobSettled(this.options.spec.name, 'dead_lettered');
  }

  #publishBatchRecord(outcomes: JobOutcome[], startedAtMs: number): void {
    const record = this.#recorder.record(outcomes, startedAtMs);
    const { connection, names, spec } = this.options;
    connection.publish(names.telemetryBatchSubject(spec.name), toBinary(BatchRecordSchema, record));
    this.options.observer?.batchFinished(record);
  }
}
