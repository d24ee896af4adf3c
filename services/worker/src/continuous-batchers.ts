import { ExecutionError, FailedPreconditionError } from '@switchboard/errors';
import type { BatchRecord } from '@switchboard/protocol';
import { decodeInferInputs } from '@switchboard/tensors';
import { ContinuousBatcher } from './continuous-batcher.js';
import type { StepReport } from './continuous-batcher.js';
import { StepRecorder } from './continuous-step-record.js';
import type { JobOutcome } from './execute-batch.js';
import type { HeldJob } from './held-job.js';
import { toJobResponse } from './job-response.js';
import type { JobSettler } from './job-settler.js';
import type { ServedVersion, VersionLease } from './model-versions.js';
import type { FailedJob } from './running-sequences.js';
import { isStepwiseModel } from './runtimes/runtime.js';
import type { VersionScheduler } from './version-scheduler.js';
import { runInSpan, traceAdmission } from './worker-spans.js';

export interface ContinuousBatchersOptions {
  /** The model's name. */
  model: string;
  workerId: string;
  /** Most sequences running at once per version: the spec's `max_batch_size`. */
  maxBatchSize: number;
  /** Most tokens one step processes; Infinity for no bound (see ContinuousBatcherOptions). */
  maxStepTokens: number;
  /** Number of priority levels; level 0 is the highest. */
  priorityLevels: number;
  /** Largest request a job may carry, bytes; checked again when it is decoded. */
  maxRequestBytes: number;
  /** The version, loaded if need be, for one busy period; see ModelVersions.acquire. */
  acquire: (version: string) => Promise<VersionLease>;
  /** Answers and acks each job. */
  settler: JobSettler;
  /** Publishes the telemetry record of a step (see StepRecorder). */
  publishRecord: (record: BatchRecord) => void;
  /** Takes a job whose deadline passed while it waited; it never runs. */
  onExpired: (held: HeldJob) => void;
}

/**
 * Continuous batching of a model's jobs, one ContinuousBatcher per version (created with the
 * version's first job): jobs join the version's running batch between steps and are answered as
 * soon as their sequences finish. Inputs are decoded and answers encoded as batches do it, jobs
 * are settled through the JobSettler, and every step that finished sequences gets a batch record.
 */
export class ContinuousBatchers implements VersionScheduler<HeldJob> {
  readonly #batchers = new Map<string, ContinuousBatcher<HeldJob>>();
  readonly #recorder: StepRecorder;

  constructor(private readonly options: ContinuousBatchersOptions) {
    this.#recorder = new StepRecorder(options.workerId);
  }

  push(version: string, held: HeldJob, level: number): void {
    let batcher = this.#batchers.get(version);
    if (batcher === undefined) {
      batcher = this.#createBatcher(version);
      this.#batchers.set(version, batcher);
    }
    batcher.push(held, level);
  }

  held(): HeldJob[] {
    return [...this.#batchers.values()].flatMap((batcher) => batcher.held());
  }

  heldCount(version: string): number {
    return this.#batchers.get(version)?.held().length ?? 0;
  }

  async flush(): Promise<void> {
    await Promise.all([...this.#batchers.values()].map((batcher) => batcher.flush()));
  }

  takeQueued(): HeldJob[] {
    return [...this.#batchers.values()].flatMap((batcher) => batcher.takeQueued());
  }

  /** Continuous batching never holds a job back to wait for others: there is no delay to change. */
  setMaxQueueDelayMs(): void {}

  #createBatcher(version: string): ContinuousBatcher<HeldJob> {
    const { model, workerId, maxRequestBytes } = this.options;
    // The version a busy period runs on, set by `acquire` before any job is decoded or admitted.
    let served: ServedVersion | undefined;
    const servedNow = (): ServedVersion => {
      if (served === undefined) throw new ExecutionError(`version ${version} of ${model} is not loaded`);
      return served;
    };
    return new ContinuousBatcher<HeldJob>({
      maxSequences: this.options.maxBatchSize,
      maxStepTokens: this.options.maxStepTokens,
      priorityLevels: this.options.priorityLevels,
      tenantOf: (held) => ({ tenant: held.job.tenant, weight: held.job.tenantWeight }),
      deadlineUnixMs: (held) => Number(held.job.deadlineUnixMs),
      onExpired: this.options.onExpired,
      tokensOf: (held) => held.inputUnits,
      inputsOf: (held) => decodeInferInputs(held.request, servedNow().spec.inputs, { maxRequestBytes }),
      acquire: async () => {
        const lease = await this.options.acquire(version);
        const stepwise = lease.served.model;
        if (!isStepwiseModel(stepwise)) {
          lease.release();
          throw new FailedPreconditionError(
            `version ${version} of model ${model} does not run step by step; continuous batching needs a step-wise runtime`,
          );
        }
        served = lease.served;
        return { model: stepwise, release: () => lease.release() };
      },
      traceAdmission: (batch, admit) => traceAdmission(model, workerId, batch, admit),
      onStep: (step) => this.#settleStep(servedNow(), step),
      onFailed: (failures) => this.#settleFailures(failures),
    });
  }

  /** Answers every job that finished in the step and publishes the step's record. */
  #settleStep(served: ServedVersion, step: StepReport<HeldJob>): void {
    for (const finished of step.finished) {
      const held = finished.item;
      const { executeUs } = finished;
      let outcome: JobOutcome;
      try {
        const response = toJobResponse(served.spec, held.request, finished.outputs);
        outcome = { held, response, confidence: undefined, executeUs, batchSize: step.sequences };
      } catch (error) {
        outcome = { held, error, executeUs, batchSize: step.sequences };
      }
      // In the job's span, so what settling logs carries that request's trace id.
      runInSpan(held.span, () =>
        this.options.settler.settle(outcome, finished.admittedAtUnixMs, served.model.synthetic),
      );
    }
    this.options.publishRecord(this.#recorder.record(served, step));
  }

  /** Answers failed jobs: retried while attempts remain and the error says retrying helps. */
  #settleFailures(failures: FailedJob<HeldJob>[]): void {
    for (const { item: held, error, executeUs } of failures) {
      const outcome = { held, error, executeUs, batchSize: failures.length };
      runInSpan(held.span, () => this.options.settler.settle(outcome, Date.now(), false));
    }
  }
}
