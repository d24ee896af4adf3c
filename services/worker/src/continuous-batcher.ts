import { performance } from 'node:perf_hooks';
import { ExecutionError, InvalidArgumentError } from '@switchboard/errors';
import type { Tensor } from '@switchboard/tensors';
import { batchSignature, concatBatch, countBatchRows } from '@switchboard/tensors';
import { FairQueue } from './fair-queue.js';
import type { TenantShare } from './fair-queue.js';
import { RunningSequences } from './running-sequences.js';
import type { FailedJob, FinishedJob, FinishedSequenceTime } from './running-sequences.js';
import type { StepwiseModel } from './runtimes/runtime.js';

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

export interface ContinuousBatcherOptions<T> {
  /** Most sequences (job rows) running at once; the model's `max_batch_size`. */
  maxSequences: number;
  /**
   * Most tokens one step may process: one per sequence decoding plus the prefill tokens of the jobs
   * joining before it. Infinity for no bound. A job over the bound on its own still runs, alone.
   */
  maxStepTokens: number;
  /** Number of priority levels; level 0 is the highest (see FairQueue). */
  priorityLevels: number;
  /** The tenant an item counts against and its weight; every item counts as one tenant's without it. */
  tenantOf?: (item: T) => TenantShare;
  /** An item's deadline, Unix ms, or undefined for none. */
  deadlineUnixMs?: (item: T) => number | undefined;
  /** Takes a waiting item whose deadline passed; it is never admitted. Without it, deadlines are not enforced. */
  onExpired?: (item: T) => void;
  /** The prefill tokens of an item. */
  tokensOf: (item: T) => number;
  /** An item's inputs, one row per sequence; throws when the item cannot run (it then fails alone). */
  inputsOf: (item: T) => Tensor[];
  /** The model, for a busy period: from the first admission until nothing is waiting or running. */
  acquire: () => Promise<StepwiseLease>;
  /** Runs one admission of `items` (e.g. in a span); without it, `admit` is called as is. */
  traceAdmission?: <R>(items: T[], admit: () => Promise<R>) => Promise<R>;
  /** Told of every step in which sequences finished. Must not throw. */
  onStep: (report: StepReport<T>) => void;
  /** Told of items that failed together (a decode, an admission, a step, a failed acquire). Must not throw. */
  onFailed: (failures: FailedJob<T>[]) => void;
}

interface Waiting<T> {
  item: T;
  /** The deadline on the `performance.now()` clock; Infinity without one. */
  deadlineAtMs: number;
  /** Set when first looked at for admission. */
  decoded?: { inputs: Tensor[]; rows: number } | { error: unknown };
}

interface Joining<T> {
  item: T;
  inputs: Tensor[];
  rows: number;
}

const SHARED_TENANT: TenantShare = { tenant: '', weight: 1 };

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
  readonly #queue: FairQueue<Waiting<T>>;
  readonly #running = new RunningSequences<T>();
  /** Taken from the queue as the first of an admission that it did not fit; admitted before any other. */
  #next: Waiting<T> | undefined;
  #loop: Promise<void> | undefined;
  #busyUs = 0;

  constructor(private readonly options: ContinuousBatcherOptions<T>) {
    this.#queue = new FairQueue(options.priorityLevels);
  }

  /** Queues an item at a priority level (0 = highest); it joins the running batch at a coming step. */
  push(item: T, level: number): void {
    const deadlineUnixMs = this.options.deadlineUnixMs?.(item);
    const deadlineAtMs =
      deadlineUnixMs === undefined ? Infinity : performance.now() + deadlineUnixMs - Date.now();
    this.#queue.push({ item, deadlineAtMs }, level, this.options.tenantOf?.(item) ?? SHARED_TENANT);
    this.#wake();
  }

  /** Items waiting or running. */
  held(): T[] {
    const waiting = Array.from(this.#queue.items(), (entry) => entry.item);
    return [...this.#running.items(), ...(this.#next === undefined ? [] : [this.#next.item]), ...waiting];
  }

  /** Resolves when nothing waits or runs; waiting items are admitted as usual meanwhile. */
  async flush(): Promise<void> {
    while (this.#loop !== undefined) await this.#loop;
  }

  /** Removes and returns every waiting (not running) item, e.g. to hand them back on shutdown. */
  takeQueued(): T[] {
    const next = this.#next === undefined ? [] : [this.#next.item];
    this.#next = undefined;
    return [...next, ...this.#queue.clear().map((entry) => entry.item)];
  }

  #hasWork(): boolean {
    return this.#queue.size > 0 || this.#next !== undefined || this.#running.size > 0;
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
        this.#expireWaiting();
        if (!this.#hasWork()) break;
        lease ??= await this.#acquire();
        if (lease === undefined) continue;
        await this.#admit(lease.model, this.#takeJoining());
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

  #expireWaiting(): void {
    const onExpired = this.options.onExpired;
    if (onExpired === undefined) return;
    const nowMs = performance.now();
    if (this.#next !== undefined && this.#next.deadlineAtMs <= nowMs) {
      onExpired(this.#next.item);
      this.#next = undefined;
    }
    for (const entry of this.#queue.removeWhere((waiting) => waiting.deadlineAtMs <= nowMs)) {
      onExpired(entry.item);
    }
  }

  /**
   * Takes the waiting items that join before the next step, in queue order, while they fit: at
   * least one when nothing runs, so an item over either bound runs alone. The first item that does
   * not fit ends the admission and is the first to join later. Items that cannot be decoded fail
   * here, alone.
   */
  #takeJoining(): Joining<T>[] {
    let sequences = this.#running.size;
    // A step processes one token per sequence decoding plus the prefill of those joining.
    let tokens = sequences;
    let refused: Waiting<T> | undefined;
    const fits = (waiting: Waiting<T>): boolean => {
      if (refused !== undefined) return false;
      const decoded = this.#decode(waiting);
      if ('error' in decoded) return true;
      const itemTokens = this.options.tokensOf(waiting.item);
      const fitting =
        sequences === 0 ||
        (sequences + decoded.rows <= this.options.maxSequences &&
          tokens + itemTokens <= this.options.maxStepTokens);
      if (fitting) {
        sequences += decoded.rows;
        tokens += itemTokens;
      } else {
        refused = waiting;
      }
      return fitting;
    };
    const candidates: Waiting<T>[] = [];
    if (this.#next !== undefined) {
      if (!fits(this.#next)) return [];
      candidates.push(this.#next);
      this.#next = undefined;
    }
    // The queue hands out its first item even when `fits` refuses it; that one waits in `#next`.
    for (const waiting of this.#queue.take(Infinity, fits)) {
      if (waiting === refused) this.#next = waiting;
      else candidates.push(waiting);
    }
    const joining: Joining<T>[] = [];
    for (const { item, decoded } of candidates) {
      if (decoded === undefined || 'error' in decoded) {
        const error = decoded?.error ?? new ExecutionError('a job joined without its inputs');
        this.options.onFailed([{ item, error, executeUs: 0 }]);
      } else {
        joining.push({ item, ...decoded });
      }
    }
    return joining;
  }

  /**
   * Admits the joining items, one `admit` call per group whose inputs concatenate (as batches are
   * grouped); a failed call fails only the items of that call.
   */
  async #admit(model: StepwiseModel, joining: Joining<T>[]): Promise<void> {
    const groups = new Map<string, Joining<T>[]>();
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

  #decode(waiting: Waiting<T>): NonNullable<Waiting<T>['decoded']> {
    if (waiting.decoded !== undefined) return waiting.decoded;
    try {
      const inputs = this.options.inputsOf(waiting.item);
      const rows = countBatchRows(inputs);
      if (rows === 0) throw new InvalidArgumentError('the request has no rows: its batch dimension is 0');
      waiting.decoded = { inputs, rows };
    } catch (error) {
      waiting.decoded = { error };
    }
    return waiting.decoded;
  }
}
