import { fromBinary } from '@bufbuild/protobuf';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { SubjectNames } from '@switchboard/nats';
import { DeadLetterSchema, JobResultSchema, JobSchema, ModelInferRequestSchema } from '@switchboard/protocol';
import type { Job } from '@switchboard/protocol';
import type { SystemView } from './tally-scenario.js';

/** What the tap saw besides the {@link SystemView}. */
export interface TapCounts {
  /** Worker answers published for a job that had already been answered: the router drops them. */
  readonly repeatedAnswers: number;
  /** Worker answers from a delivery after the first (JobResult.attempt > 1). */
  readonly redeliveredAnswers: number;
  /** The most deliveries any dead-lettered job had. */
  readonly maxDeadLetterDeliveries: number;
}

function clientIdOf(job: Job | undefined): string {
  if (job === undefined || job.request.length === 0) return '';
  return fromBinary(ModelInferRequestSchema, job.request).id;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * Listens, as a plain NATS subscriber, to a namespace's jobs (`infer.>`), worker answers (`reply.*`)
 * and dead letters: whether a request was queued and how often it was executed are read off the
 * wire, not taken from the services' word. Jobs carry Switchboard's own request id; the client's id
 * is read from the job's request, and answers are matched to it through the job they answer.
 */
export class ReplyTap {
  readonly #subscriptions: Subscription[] = [];
  readonly #clientIdOfJob = new Map<string, string>();
  readonly #queued = new Set<string>();
  readonly #executions = new Map<string, number>();
  /** Per client id, who ran it: `<worker> attempt <n>`, one entry per successful execution. */
  readonly #executedBy = new Map<string, string[]>();
  readonly #answersPerJob = new Map<string, number>();
  readonly #deadLetters = new Map<string, number>();
  #redeliveredAnswers = 0;
  #maxDeadLetterDeliveries = 0;

  constructor(connection: NatsConnection, names: SubjectNames) {
    this.#subscriptions.push(
      connection.subscribe(names.inferWildcard, { callback: (_, message) => this.#onJob(message.data) }),
      // `<reply>.<router>` only: routers read JetStream's publish acks deeper, at `<reply>.<router>.ack.<n>`.
      connection.subscribe(`${names.replyPrefix}.*`, {
        callback: (_, message) => this.#onResult(message.data),
      }),
      connection.subscribe(names.deadLetterWildcard, {
        callback: (_, message) => this.#onDeadLetter(message.data),
      }),
    );
  }

  #onJob(data: Uint8Array): void {
    const job = fromBinary(JobSchema, data);
    const clientId = clientIdOf(job);
    this.#clientIdOfJob.set(job.requestId, clientId);
    this.#queued.add(clientId);
  }

  #onResult(data: Uint8Array): void {
    const result = fromBinary(JobResultSchema, data);
    increment(this.#answersPerJob, result.requestId);
    if (result.attempt > 1) this.#redeliveredAnswers += 1;
    if (result.status !== undefined && result.status.code !== 0) return;
    const clientId = result.response?.id || this.#clientIdOfJob.get(result.requestId) || result.requestId;
    increment(this.#executions, clientId);
    const runs = this.#executedBy.get(clientId) ?? [];
    runs.push(`${result.workerId || 'unknown worker'} attempt ${result.attempt}`);
    this.#executedBy.set(clientId, runs);
  }

  /**
   * Names the first few requests that ran more than once and where each run happened, e.g.
   * `d17 (w1 attempt 1, w2 attempt 2)`; '' when none did. A failed check says which redelivery it was.
   */
  describeRepeatedExecutions(limit = 3): string {
    const repeated = [...this.#executedBy.entries()].filter(([, runs]) => runs.length > 1);
    return repeated
      .slice(0, limit)
      .map(([clientId, runs]) => `${clientId} (${runs.join(', ')})`)
      .join('; ');
  }

  #onDeadLetter(data: Uint8Array): void {
    const record = fromBinary(DeadLetterSchema, data);
    // Workers may drop a job's request bytes once decoded; the job seen on its way in still names the client's id.
    const clientId = clientIdOf(record.job) || this.#clientIdOfJob.get(record.job?.requestId ?? '') || '';
    increment(this.#deadLetters, clientId);
    this.#maxDeadLetterDeliveries = Math.max(this.#maxDeadLetterDeliveries, record.deliveries);
  }

  /** What was seen so far. */
  view(): SystemView {
    return { queued: this.#queued, executions: this.#executions, deadLetters: this.#deadLetters };
  }

  counts(): TapCounts {
    const repeatedAnswers = [...this.#answersPerJob.values()].reduce(
      (sum, answers) => sum + Math.max(0, answers - 1),
      0,
    );
    return {
      repeatedAnswers,
      redeliveredAnswers: this.#redeliveredAnswers,
      maxDeadLetterDeliveries: this.#maxDeadLetterDeliveries,
    };
  }

  stop(): void {
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
  }
}
