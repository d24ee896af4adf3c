import { create, toBinary } from '@bufbuild/protobuf';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { DeadlineExceededError, UnavailableError, fromStatusData } from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';
import { subscribeDecoded } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { JobResultSchema, JobSchema } from '@switchboard/protocol';
import type { Job, JobResult, ModelInferRequest } from '@switchboard/protocol';
import { AckedPublisher } from './acked-publisher.js';
import type { CachedResults } from './dedup/cached-results.js';
import { nextResultKey } from './dedup/result-key.js';
import { QueueUnavailableError } from './errors.js';
import { requestBytesOf } from './request-bytes.js';
import { endPublishSpan, startPublishSpan } from './publish-span.js';
import type { PublishSpan } from './publish-span.js';

/** The longest a publish may wait for JetStream's acknowledgement. */
const MAX_PUBLISH_WAIT_MS = 5_000;

interface Pending {
  resolve: (result: JobResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  /**
   * Aborted when the waiter settles, ending a wait on the result cache. Made only for such a wait:
   * aborting builds an error with a stack trace, too dear to pay on every request.
   */
  settled?: AbortController;
}

/** When a job must be answered by, and the time it had when dispatched (for messages). */
interface Timing {
  deadlineUnixMs: number;
  remainingMs: number;
}

/**
 * A job to queue, minus the fields the dispatcher fills in, with the client's request as received;
 * `resultKey` (see Job.result_key) only when the request is deduplicated.
 */
export type JobToDispatch = Omit<
  Job,
  'replyTo' | 'enqueuedUnixMs' | '$typeName' | 'deadlineUnixMs' | 'traceparent' | 'request' | 'resultKey'
> & { request: ModelInferRequest; resultKey?: string };

/**
 * Queues jobs on JetStream and waits for their results on this router's inbox. Each request id has
 * one waiter; a second result for the same id (a redelivered job answered twice) finds none and is
 * dropped, so every request gets exactly one answer.
 *
 * A job with a result key is published under that key as its message id. When JetStream drops the
 * publish as a duplicate (the client retried an id, perhaps through a router that died), the job
 * already exists and its answer goes to the first router's inbox; this waiter then takes the answer
 * from the result cache, where the worker stores it too — one execution, answered to the retry.
 */
export class JobDispatcher {
  readonly #pending = new Map<string, Pending>();
  readonly #inbox: string;
  readonly #publisher: AckedPublisher;
  #subscription: Subscription | undefined;
  /** True between a NATS disconnect and the reconnect: requests are refused at once meanwhile. */
  #disconnected = false;

  constructor(
    private readonly connection: NatsConnection,
    private readonly names: SubjectNames,
    routerId: string,
    private readonly logger: Logger,
    /** Answers duplicates from the `results` bucket; without it a duplicate waits for its deadline. */
    private readonly results?: CachedResults,
  ) {
    this.#inbox = `${names.replyPrefix}.${routerId}`;
    this.#publisher = new AckedPublisher(connection, this.#inbox);
  }

  start(): void {
    this.#publisher.start();
    this.#subscription = subscribeDecoded(
      this.connection,
      this.#inbox,
      JobResultSchema,
      (result) => this.#deliver(result),
      this.logger,
      'job result',
    );
    this.#followConnection().catch((error: unknown) =>
      this.logger.error({ err: error }, 'NATS connection status watch failed'),
    );
  }

  /**
   * Follows the connection's status, so that while NATS is unreachable requests are refused at once
   * with a retry delay instead of each waiting out a publish timeout.
   */
  async #followConnection(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === 'disconnect') this.#disconnected = true;
      else if (status.type === 'reconnect') this.#disconnected = false;
    }
  }

  /**
   * Queues `job` on its model's subject and resolves with its successful result.
   * @throws QueueUnavailableError (with a retry delay) when NATS is unreachable or JetStream does not
   *   acknowledge the job.
   * @throws DeadlineExceededError when no result arrives before `deadlineUnixMs`.
   * @throws the worker's error (rebuilt from the result's status) when the job failed.
   */
  async dispatch(job: JobToDispatch, deadlineUnixMs: number): Promise<JobResult> {
    const remainingMs = deadlineUnixMs - Date.now();
    if (remainingMs <= 0)
      throw new DeadlineExceededError('the request deadline passed before it could be queued');
    if (this.#disconnected)
      throw new QueueUnavailableError(
        `NATS is unreachable, so the request cannot be queued for model ${job.model}; retry in 1 s`,
      );
    const subject = this.names.inferSubject(job.model, job.priority);
    const publishSpan = startPublishSpan(job, subject);
    const message = create(JobSchema, {
      ...job,
      // The client's bytes as they arrived (or as the result key hashed them).
      request: requestBytesOf(job.request),
      traceparent: publishSpan.traceparent,
      replyTo: this.#inbox,
      // Deadlines derived from microsecond timeouts or predictions are fractional; the wire wants whole ms.
      deadlineUnixMs: BigInt(Math.ceil(deadlineUnixMs)),
      enqueuedUnixMs: BigInt(Date.now()),
    });
    // The waiter goes in before the publish: a worker may answer before JetStream's ack arrives.
    const result = new Promise<JobResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(job.requestId);
        reject(
          new DeadlineExceededError(
            `no answer from model ${job.model} within the ${Math.ceil(remainingMs)} ms deadline`,
          ),
        );
      }, remainingMs);
      this.#pending.set(job.requestId, { resolve, reject, timer });
    });
    // Awaited together: when the deadline passes while the publish still waits for its ack (a NATS
    // reconnect), the waiter rejects first, and a rejection nobody awaits yet ends the process.
    const [, answer] = await Promise.all([
      this.#publish(subject, message, job, { deadlineUnixMs, remainingMs }, publishSpan),
      result,
    ]);
    return answer;
  }

  /**
   * Publishes the job; on failure fails its waiter instead of throwing: DEADLINE_EXCEEDED when the
   * deadline passed meanwhile, else UNAVAILABLE.
   */
  async #publish(
    subject: string,
    message: Job,
    job: JobToDispatch,
    { deadlineUnixMs, remainingMs }: Timing,
    publishSpan: PublishSpan,
  ): Promise<void> {
    try {
      const ack = await this.#publisher.publish(subject, toBinary(JobSchema, message), {
        msgId: message.resultKey || job.requestId,
        timeoutMs: Math.min(remainingMs, MAX_PUBLISH_WAIT_MS),
        headers: publishSpan.headers,
      });
      endPublishSpan(publishSpan.span);
      if (ack.duplicate && message.resultKey !== '') {
        this.#answerFromCache(subject, message, job, { deadlineUnixMs, remainingMs }).catch(
          (error: unknown) =>
            this.#settle(job.requestId)?.reject(
              new UnavailableError('could not read the answer of an earlier attempt; try again', {
                cause: error,
              }),
            ),
        );
      }
    } catch (error) {
      endPublishSpan(publishSpan.span, error);
      // A deadline shorter than JetStream's ack round trip is the client's doing, not a fault of
      // NATS or the model: say so, and keep it from counting against the model's circuit.
      // (Timers run on whole milliseconds and deadlines are fractional, hence the one to spare.)
      const failure =
        Date.now() + 1 >= deadlineUnixMs
          ? new DeadlineExceededError(
              `the ${Math.ceil(remainingMs)} ms deadline passed before the request was queued for model ${job.model}`,
              { cause: error },
            )
          : new QueueUnavailableError(`could not queue the request for model ${job.model}; retry in 1 s`, {
              cause: error,
            });
      this.#settle(job.requestId)?.reject(failure);
    }
  }

  /**
   * Completes the waiter of a duplicate job from the result cache. A cached answer of a job that
   * expired unexecuted is no answer: the request is queued again under the next result key.
   */
  async #answerFromCache(subject: string, message: Job, job: JobToDispatch, timing: Timing): Promise<void> {
    const pending = this.#pending.get(job.requestId);
    if (pending === undefined || this.results === undefined) return;
    pending.settled ??= new AbortController();
    const result = await this.results.waitFor(
      message.resultKey,
      timing.deadlineUnixMs,
      pending.settled.signal,
    );
    if (result === undefined) return; // the deadline passed (its timer answers) or the waiter settled
    const next = result.notExecuted ? nextResultKey(message.resultKey) : undefined;
    if (next === undefined) {
      this.#deliver({ ...result, requestId: job.requestId });
      return;
    }
    const retried = create(JobSchema, { ...message, resultKey: next, enqueuedUnixMs: BigInt(Date.now()) });
    await this.#publish(subject, retried, job, timing, startPublishSpan(job, subject));
  }

  /** Fails every waiting request with UNAVAILABLE and stops listening. Idempotent. */
  stop(): void {
    this.#subscription?.unsubscribe();
    for (const requestId of [...this.#pending.keys()]) {
      this.#settle(requestId)?.reject(new UnavailableError('the router is shutting down; retry the request'));
    }
    this.#publisher.stop();
  }

  #deliver(result: JobResult): void {
    const pending = this.#settle(result.requestId);
    if (result.status !== undefined && result.status.code !== 0)
      pending?.reject(fromStatusData(result.status));
    else pending?.resolve(result);
  }

  #settle(requestId: string): Pending | undefined {
    const pending = this.#pending.get(requestId);
    if (pending === undefined) return undefined;
    this.#pending.delete(requestId);
    clearTimeout(pending.timer);
    pending.settled?.abort();
    return pending;
  }
}
