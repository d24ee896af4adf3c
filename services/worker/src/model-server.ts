import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeadlineExceededError, InvalidArgumentError, UnavailableError } from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';
import { PRIORITY_LEVELS, ensureWorkConsumer, stopConsuming } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { BatchRecordSchema, JobSchema, ModelInferRequestSchema } from '@switchboard/protocol';
import type { BatchRecord, BatchingKnob, ModelInferRequest, ModelSpec } from '@switchboard/protocol';
import { toBatchLimits } from './batch-limits.js';
import type { BatchLimits } from './batch-limits.js';
import { BatchRecorder } from './batch-recorder.js';
import { ContinuousBatchers } from './continuous-batchers.js';
import { describeJobProblem } from './describe-job-problem.js';
import { countInputUnits } from './input-units.js';
import { executeBatch } from './execute-batch.js';
import type { JobOutcome } from './execute-batch.js';
import { ExecuteTimeEstimate } from './execute-time-estimate.js';
import type { HeldJob } from './held-job.js';
import { JobSettler } from './job-settler.js';
import type { ModelServerObserver } from './model-server-observer.js';
import { ModelVersions } from './model-versions.js';
import type { LoadedVersion, VersionLease } from './model-versions.js';
import type { LoadedModel, Runtime } from './runtimes/runtime.js';
import { VersionBatchers } from './version-batchers.js';
import type { VersionScheduler } from './version-scheduler.js';
import { endBatchSpan, endJobSpan, runInSpan, startBatchSpan, startJobSpan } from './worker-spans.js';

export interface ModelServerOptions {
  connection: NatsConnection;
  jetstream: JetStreamClient;
  manager: JetStreamManager;
  names: SubjectNames;
  /** The hosted spec; `model` is its (current) version, loaded. */
  spec: ModelSpec;
  model: LoadedModel;
  /** How long `model` took to load and warm up, ms. */
  loadMs: number;
  /** The runtime that loaded `model`; other versions jobs ask for are loaded with it. */
  runtime: Runtime;
  /** The model's batching knob in force when it starts serving, if any; see {@link ModelServer.applyBatchingKnob}. */
  knob?: BatchingKnob;
  /** The model's latest spec in the registry snapshot, for versions registered since `spec`. */
  latestSpec: () => ModelSpec | undefined;
  workerId: string;
  ackWaitMs: number;
  maxAttempts: number;
  maxRequestBytes: number;
  logger: Logger;
  /** Told about every batch, every settled job and every version loaded, e.g. for Prometheus metrics. */
  observer?: ModelServerObserver;
  /** Memory the worker has free, bytes, checked before another version loads; see ModelVersions. */
  memoryFreeBytes?: () => number;
  /** Called after another version was loaded or unloaded on demand. */
  onChange?: () => void;
}

/** A loaded version of the model and the jobs it holds. */
export interface HostedVersion extends LoadedVersion {
  /** Jobs of this version queued in its batcher or running. */
  readonly inFlight: number;
}

/**
 * Serves one model on a worker: pulls its jobs from one durable consumer per priority, batches them
 * per version (VersionBatchers, or ContinuousBatchers for continuous batching), runs them on that
 * version (the loaded current one, or another loaded on demand by ModelVersions), answers each job
 * and only then acks it. Jobs past their
 * deadline are answered DEADLINE_EXCEEDED and jobs for a version the model does not have NOT_FOUND,
 * without running; retryable failures are retried up to `maxAttempts`, after which the job is
 * answered with an error and dead-lettered.
 */
export class ModelServer {
  readonly #batchers: VersionScheduler<HeldJob>;
  readonly #versions: ModelVersions;
  readonly #recorder: BatchRecorder;
  readonly #settler: JobSettler;
  readonly #executeTime: ExecuteTimeEstimate;
  readonly #subscriptions: ConsumerMessages[] = [];
  readonly #pumps: Promise<void>[] = [];
  readonly #logger: Logger;
  #maxQueueDelayMs: number;
  #progressTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ModelServerOptions) {
    this.#logger = options.logger.child({ component: 'model-server', model: options.spec.name });
    this.#recorder = new BatchRecorder(options.workerId);
    this.#settler = new JobSettler({ ...options, model: options.spec.name, logger: this.#logger });
    this.#versions = new ModelVersions({
      spec: options.spec,
      current: options.model,
      currentLoadMs: options.loadMs,
      runtime: options.runtime,
      latestSpec: options.latestSpec,
      logger: this.#logger,
      memoryFreeBytes: options.memoryFreeBytes,
      onLoaded: (_version, loadMs) => options.observer?.modelLoaded(options.spec.name, loadMs),
      onChange: options.onChange,
    });
    const limits = toBatchLimits(options.spec, options.knob?.maxQueueDelayUs);
    this.#maxQueueDelayMs = limits.maxQueueDelayMs;
    this.#executeTime = new ExecuteTimeEstimate(options.spec.latencyPriorMs);
    this.#batchers = this.#createScheduler(limits);
  }

  /** Continuous batching when the spec asks for it (the host loaded a step-wise model), batches otherwise. */
  #createScheduler(limits: BatchLimits): VersionScheduler<HeldJob> {
    const priorityLevels = PRIORITY_LEVELS.length;
    const onExpired = (held: HeldJob) => this.#refuseExpired(held);
    if (limits.continuous !== undefined) {
      return new ContinuousBatchers({
        model: this.options.spec.name,
        workerId: this.options.workerId,
        maxBatchSize: limits.maxBatchSize,
        maxStepTokens: limits.continuous.maxStepTokens,
        priorityLevels,
        maxRequestBytes: this.options.maxRequestBytes,
        acquire: (version) => this.#versions.acquire(version),
        settler: this.#settler,
        publishRecord: (record) => this.#publishRecord(record),
        onExpired,
      });
    }
    return new VersionBatchers({
      ...limits,
      priorityLevels,
      tenantOf: (held) => ({ tenant: held.job.tenant, weight: held.job.tenantWeight }),
      unitsOf: (held) => held.inputUnits,
      run: (version, batch) => this.#runBatch(version, batch),
      deadlineUnixMs: (held) => Number(held.job.deadlineUnixMs),
      expectedRunMs: (batchSize) => this.#executeTime.expectedMs(batchSize),
      onExpired,
    });
  }

  /** Creates the model's consumers and starts pulling jobs. */
  async start(): Promise<void> {
    const { manager, jetstream, names, spec, ackWaitMs, maxAttempts, logger } = this.options;
    const maxBatchSize = toBatchLimits(spec).maxBatchSize;
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
        for (const held of this.#batchers.held()) held.message.working();
      },
      Math.max(100, ackWaitMs / 3),
    );
    const delay = {
      maxQueueDelayMs: this.#maxQueueDelayMs,
      knobVersion: this.options.knob?.version.toString(),
    };
    this.#logger.info({ priorities: PRIORITY_LEVELS.length, ...delay }, 'serving model');
  }

  /** How long a batch of any version may wait for more jobs now, ms; 0 without batching. */
  get maxQueueDelayMs(): number {
    return this.#maxQueueDelayMs;
  }

  /**
   * Applies a batching knob's delay to the batches of every version, those filling now included;
   * undefined (the knob was removed) restores the registry's delay. A model without batching is
   * unaffected. Each change of the delay is logged once, with the knob's reason.
   */
  applyBatchingKnob(knob: BatchingKnob | undefined): void {
    const { maxQueueDelayMs } = toBatchLimits(this.options.spec, knob?.maxQueueDelayUs);
    if (maxQueueDelayMs === this.#maxQueueDelayMs) return;
    const previousDelayMs = this.#maxQueueDelayMs;
    this.#maxQueueDelayMs = maxQueueDelayMs;
    this.#batchers.setMaxQueueDelayMs(maxQueueDelayMs);
    const reason = knob?.reason ?? "knob removed: the registry's delay applies";
    const knobVersion = knob?.version.toString();
    this.#logger.info({ maxQueueDelayMs, previousDelayMs, knobVersion, reason }, 'batch queue delay changed');
  }

  /** Jobs received and not yet answered. */
  get inFlight(): number {
    return this.#batchers.held().length;
  }

  /** The versions loaded: the current one first, then those loaded on demand. */
  loadedVersions(): HostedVersion[] {
    return this.#versions
      .loaded()
      .map((loaded) => ({ ...loaded, inFlight: this.#batchers.heldCount(loaded.version) }));
  }

  /**
   * Stops pulling, runs what was already received for up to `graceMs`, hands any job still queued
   * back to JetStream for another worker, and unloads the versions it loaded on demand (the host
   * unloads the current one). Idempotent.
   */
  async stop(graceMs: number): Promise<void> {
    await Promise.all(this.#subscriptions.splice(0).map(stopConsuming));
    await Promise.all(this.#pumps.splice(0));
    const flushed = this.#batchers.flush();
    const timedOut = await Promise.race([
      flushed.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(resolve, graceMs, true).unref()),
    ]);
    for (const held of this.#batchers.takeQueued()) {
      held.message.nak();
      endJobSpan(held.span);
    }
    if (timedOut) await flushed;
    clearInterval(this.#progressTimer);
    await this.#versions.close();
  }

  /** Drops a job for good: without a usable reply subject there is no one to answer. */
  #discard(message: JsMsg, reason: string, error: unknown): void {
    this.#logger.error({ err: error, subject: message.subject }, reason);
    message.term();
    this.options.observer?.jobSettled(this.options.spec.name, 'error');
  }

  #receive(message: JsMsg, level: number): void {
    let job;
    try {
      job = fromBinary(JobSchema, message.data);
    } catch (error) {
      this.#discard(message, 'discarding undecodable job', error);
      return;
    }
    const problem = describeJobProblem(job, this.options.spec.name);
    if (problem !== undefined) {
      this.#discard(message, 'discarding malformed job', new Error(problem));
      return;
    }
    let request: ModelInferRequest | InvalidArgumentError;
    try {
      request = fromBinary(ModelInferRequestSchema, job.request);
    } catch (error) {
      request = new InvalidArgumentError('the request is not a valid ModelInferRequest message', {
        cause: error,
      });
    }
    const held: HeldJob = {
      job,
      request: request instanceof Error ? create(ModelInferRequestSchema) : request,
      inputUnits: request instanceof Error ? 1 : countInputUnits(request),
      message,
      level,
      receivedAtMs: Date.now(),
      attempt: message.info.deliveryCount,
      span: startJobSpan(message, job, this.options.workerId),
    };
    if (request instanceof Error) {
      this.#settler.refuse(held, request, 'error');
    } else if (Number(job.deadlineUnixMs) <= held.receivedAtMs) {
      this.#refuseExpired(held);
    } else if (held.attempt > this.options.maxAttempts) {
      const reason = `job was delivered ${held.attempt - 1} times without being answered (workers stopped or timed out)`;
      this.#settler.giveUp(held, new UnavailableError(reason));
    } else {
      this.#pushToVersion(held, level);
    }
  }

  /** Answers DEADLINE_EXCEEDED for a job whose deadline passed before it ran (in JetStream or on this worker). */
  #refuseExpired(held: HeldJob): void {
    const error = new DeadlineExceededError('the request deadline passed while it was queued');
    runInSpan(held.span, () => this.#settler.refuse(held, error, 'expired'));
  }

  /** Queues a job on its version's batcher, or answers NOT_FOUND when the model has no such version. */
  #pushToVersion(held: HeldJob, level: number): void {
    let version: string;
    try {
      version = this.#versions.resolve(held.job.version);
    } catch (error) {
      this.#settler.refuse(held, error, 'error');
      return;
    }
    this.#batchers.push(version, held, level);
  }

  async #runBatch(version: string, batch: HeldJob[]): Promise<void> {
    const batchSpan = startBatchSpan(this.options.spec.name, this.options.workerId, batch);
    let lease: VersionLease;
    try {
      // Loads the version when it is not loaded; only this version's batcher waits meanwhile.
      lease = await this.#versions.acquire(version);
    } catch (error) {
      const outcomes = batch.map((held) => ({ held, error, executeUs: 0, batchSize: batch.length }));
      this.#settleAll(outcomes, Date.now(), false);
      endBatchSpan(batchSpan, outcomes);
      return;
    }
    const { served } = lease;
    // Loading the version may have outlasted some deadlines: those jobs are answered, not run.
    const live = this.#withoutExpired(batch);
    if (live.length === 0) {
      lease.release();
      endBatchSpan(batchSpan, []);
      return;
    }
    const startedAtMs = Date.now();
    const startedAt = performance.now();
    let outcomes: JobOutcome[];
    try {
      outcomes = await runInSpan(batchSpan, () =>
        executeBatch(served.model, served.spec, live, this.options.maxRequestBytes),
      );
    } finally {
      lease.release();
    }
    this.#executeTime.record(live.length, performance.now() - startedAt);
    this.#settleAll(outcomes, startedAtMs, served.model.synthetic);
    this.#publishRecord(this.#recorder.record(served, outcomes, startedAtMs));
    endBatchSpan(batchSpan, outcomes);
  }

  #withoutExpired(batch: HeldJob[]): HeldJob[] {
    const nowMs = Date.now();
    const live = batch.filter((held) => Number(held.job.deadlineUnixMs) > nowMs);
    for (const held of batch) if (!live.includes(held)) this.#refuseExpired(held);
    return live;
  }

  #settleAll(outcomes: JobOutcome[], batchStartedAtMs: number, synthetic: boolean): void {
    // In each job's span, so what settling logs (a dead letter, say) carries that request's trace id.
    for (const outcome of outcomes) {
      runInSpan(outcome.held.span, () => this.#settler.settle(outcome, batchStartedAtMs, synthetic));
    }
  }

  #publishRecord(record: BatchRecord): void {
    const { connection, names, spec } = this.options;
    connection.publish(names.telemetryBatchSubject(spec.name), toBinary(BatchRecordSchema, record));
    this.options.observer?.batchFinished(record);
  }
}
