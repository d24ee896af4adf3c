import { performance } from 'node:perf_hooks';
import { ExecutionError } from '@switchboard/errors';
import { batchSignature, concatBatch } from '@switchboard/tensors';
import { RunningSequences } from './running-sequences.js';
import type { FailedJob, FinishedJob, FinishedSequenceTime } from './running-sequences.js';
import type { StepwiseModel } from './runtimes/runtime.js';
import { WaitingJobs } from './waiting-jobs.js';
import type { JoiningJob, WaitingJobsOptions } from './waiting-jobs.js';

/** A step-wise model held for one busy period of the batcher. */
export interface StepwiseLease {
  readonly model: StepwiseModel;
  /** Ends the use. Idempotent. */
  release(): void;
}

/** One step in which sequences finished. */
export interface StepReport<T> {
  /** Sequences active in the step, those that finished included. */
  sequences: number;
  /** The sequences that finished in it, one entry per row. */
  finishedSequences: FinishedSequenceTime<T>[];
  /** Jobs whose last sequence finished in it. */
  finished: FinishedJob<T>[];
  /** Time the model spent in admissions and steps since the previous report, µs. */
  busyUs: number;
}

/** The bounds of each step and what to tell of its outcomes; how items wait: see WaitingJobsOptions. */
export interface ContinuousBatcherOptions<T> extends WaitingJobsOptions<T> {
  /** Most sequences (job rows) running at once; the model's `max_batch_size`. */
  maxSequences: number;
  /**
   * Most tokens one step may process: one per sequence decoding plus the prefill tokens of the jobs
   * joining before it. Infinity for no bound. A job over the bound on its own still runs, alone.
   */
  maxStepTokens: number;
  /** Takes a waiting item whose deadline passed; it is never admitted. Without it, deadlines are not enforced. */
  onExpired?: (item: T) => void;
  /** The model, for a busy period: from the first admission until nothing is waiting or running. */
  acquire: () => Promise<StepwiseLease>;
  /** Runs one admission of `items` (e.g. in a span); without it, `admit` is called as is. */
  traceAdmission?: <R>(items: T[], admit: () => Promise<R>) => Promise<R>;
  /** Told of every step in which sequences finished. Must not throw. */
  onStep: (report: StepReport<T>) => void;
  /** Told of items that failed together (a decode, an admission, a step, a failed acquire). Must not throw. */
  onFailed: (failures: FailedJob<T>[]) => void;
}

/**
 * Continuous batching (iteration-level scheduling, as Orca and vLLM do it) of one step-wise model:
 * between two steps, waiting items past their deadline leave, waiting items join while the running
 * sequences plus theirs stay within `maxSequences` and the step's tokens within `maxStepTokens`, and
 * then one step runs; every job whose sequences all finished in it is reported at once, so a short
 * job never waits for a long one. Items wait in a FairQueue (weighted priorities, tenant round robin);
 * an item that does not fit stays first in line. When nothing waits or runs the loop ends and the
 * model is released: no timer runs while idle.
 */
export class ContinuousBatcher<T> {
  readonly #waiting: WaitingJobs<T>;
  readonly #running = new RunningSequences<T>();
  #loop: Promise<void> | undefined;
  #busyUs = 0;

  constructor(private readonly options: ContinuousBatcherOptions<T>) {
    this.#waiting = new WaitingJobs(options);
  }

  /** Queues an item at a priority level (0 = highest); it joins the running batch at a coming step. */
  push(item: T, level: number): void {
    this.#waiting.push(item, level);
    this.#wake();
  }

  /** Items waiting or running. */
  held(): T[] {
    return [...this.#running.items(), ...this.#waiting.items()];
  }

  /** Resolves when nothing waits or runs; waiting items are admitted as usual meanwhile. */
  async flush(): Promise<void> {
    while (this.#loop !== undefined) await this.#loop;
  }

  /** Removes and returns every waiting (not running) item, e.g. to hand them back on shutdown. */
  takeQueued(): T[] {
    return this.#waiting.clear();
  }

  #hasWork(): boolean {
    return this.#waiting.size > 0 || this.#running.size > 0;
  }

  #wake(): void {
    if (this.#loop !== undefined) return;
    this.#loop = this.#run().finally(() => {
      this.#loop = undefined;
      if (this.#hasWork()) this.#wake();
    });
  }

  async #run(): Promise<void> {
    // Jobs pulled in one read arrive one callback at a time; waiting for the end of this turn of
    // the event loop lets all of them join the first admission.
    await new Promise((resolve) => setImmediate(resolve));
    let lease: StepwiseLease | undefined;
    try {
      while (this.#hasWork()) {
        lease ??= await this.#acquire();
        if (lease === undefined) continue;
        this.#expireWaiting();
        const { joining, failed } = this.#waiting.takeJoining({
          runningSequences: this.#running.size,
          maxSequences: this.options.maxSequences,
          maxStepTokens: this.options.maxStepTokens,
        });
        if (failed.length > 0) this.options.onFailed(failed);
        await this.#admit(lease.model, joining);
        if (this.#running.size > 0) await this.#step(lease.model);
      }
    } finally {
      lease?.release();
    }
  }

  /** The model, or undefined after failing every waiting item with the reason it could not be had. */
  async #acquire(): Promise<StepwiseLease | undefined> {
    try {
      return await this.options.acquire();
    } catch (error) {
      this.options.onFailed(this.takeQueued().map((item) => ({ item, error, executeUs: 0 })));
      return undefined;
    }
  }

  /** Answers the waiting items whose deadline passed (when deadlines are enforced); they never run. */
  #expireWaiting(): void {
    const onExpired = this.options.onExpired;
    if (onExpired !== undefined) for (const item of this.#waiting.removeExpired()) onExpired(item);
  }

  /**
   * Admits the joining items, one `admit` call per group whose inputs concatenate (as batches are
   * grouped); a failed call fails only the items of that call.
   */
  async #admit(model: StepwiseModel, joining: JoiningJob<T>[]): Promise<void> {
    const groups = new Map<string, JoiningJob<T>[]>();
    for (const entry of joining) {
      const signature = batchSignature(entry.inputs);
      groups.set(signature, [...(groups.get(signature) ?? []), entry]);
    }
    for (const group of groups.values()) {
      const items = group.map((entry) => entry.item);
      const admittedAtMs = performance.now();
      const admittedAtUnixMs = Date.now();
      try {
        const admit = () => model.admit(concatBatch(group.map((entry) => entry.inputs)));
        const ids = await (this.options.traceAdmission?.(items, admit) ?? admit());
        const rows = group.reduce((sum, entry) => sum + entry.rows, 0);
        if (ids.length !== rows) {
          throw new ExecutionError(`the model admitted ${ids.length} sequences for ${rows} rows`, {
            retryable: false,
          });
        }
        let first = 0;
        for (const entry of group) {
          this.#running.add(entry.item, ids.slice(first, first + entry.rows), admittedAtMs, admittedAtUnixMs);
          first += entry.rows;
        }
      } catch (error) {
        const executeUs = Math.round((performance.now() - admittedAtMs) * 1000);
        this.options.onFailed(items.map((item) => ({ item, error, executeUs })));
      } finally {
        this.#busyUs += (performance.now() - admittedAtMs) * 1000;
      }
    }
  }

  /**
   * Runs one step and reports what finished in it. A failed step fails every running job (whether
   * retrying helps is the error's to say) and the loop goes on with the jobs still waiting; the
   * sequences of the failed jobs are forgotten, so the model returning them later changes nothing.
   */
  async #step(model: StepwiseModel): Promise<void> {
    const sequences = this.#running.size;
    const startedAtMs = performance.now();
    let finished;
    try {
      finished = await model.step();
      // A model that holds none of the sequences would be stepped forever without finishing them.
      if (finished.length === 0 && model.activeSequences === 0) {
        throw new ExecutionError('the model dropped its running sequences without finishing them');
      }
    } catch (error) {
      this.options.onFailed(this.#running.removeAll().map((job) => ({ ...job, error })));
      return;
    } finally {
      this.#busyUs += (performance.now() - startedAtMs) * 1000;
    }
    const done = this.#running.finish(finished);
    if (done.failed.length > 0) this.options.onFailed(done.failed);
    if (done.sequences.length === 0) return;
    const busyUs = Math.round(this.#busyUs);
    this.#busyUs = 0;
    this.options.onStep({ sequences, finishedSequences: done.sequences, finished: done.jobs, busyUs });
  }
}
