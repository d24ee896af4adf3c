import { performance } from 'node:perf_hooks';
import type { Tensor } from '@switchboard/tensors';
import { concatBatch } from '@switchboard/tensors';
import type { FinishedSequence } from './runtimes/runtime.js';

/** A job all of whose sequences finished, with its answer. */
export interface FinishedJob<T> {
  item: T;
  /** The model's outputs for the job's rows, in row order. */
  outputs: Tensor[];
  /** When it was admitted (its prefill began), Unix ms. */
  admittedAtUnixMs: number;
  /** Admission to finish, µs. */
  executeUs: number;
}

/** A job that failed while admitted or running, or before it could be admitted. */
export interface FailedJob<T> {
  item: T;
  error: unknown;
  /** Admission (or the attempt at it) to failure, µs; 0 when it never reached the model. */
  executeUs: number;
}

/** One sequence that finished in a step: the job it belongs to and how long it ran. */
export interface FinishedSequenceTime<T> {
  item: T;
  admittedAtUnixMs: number;
  /** Admission to finish, µs. */
  executeUs: number;
}

interface RunningJob<T> {
  readonly item: T;
  /** When it was admitted, on the `performance.now()` clock. */
  readonly admittedAtMs: number;
  readonly admittedAtUnixMs: number;
  /** Each row's outputs, once its sequence finished. */
  readonly rowOutputs: (Tensor[] | undefined)[];
  /** Rows whose sequence has not finished. */
  remaining: number;
}

/** What one step finished, read off the sequences the model returned. */
export interface StepFinish<T> {
  sequences: FinishedSequenceTime<T>[];
  jobs: FinishedJob<T>[];
  /** Jobs whose rows finished but whose outputs could not be joined. */
  failed: FailedJob<T>[];
}

/**
 * The jobs admitted into a step-wise model and not yet finished, by the ids of their sequences (one
 * per row). A job finishes when its last sequence does; its rows' outputs are then joined in row
 * order. Sequences the model returns under ids it does not hold (of a job that failed meanwhile) are
 * ignored.
 */
export class RunningSequences<T> {
  readonly #bySequence = new Map<number, { job: RunningJob<T>; row: number }>();
  readonly #jobs = new Set<RunningJob<T>>();

  /** Sequences running. */
  get size(): number {
    return this.#bySequence.size;
  }

  /** The jobs running. */
  items(): T[] {
    return Array.from(this.#jobs, (job) => job.item);
  }

  /** Adds a job admitted at `admittedAtMs` (performance clock) whose rows became sequences `ids`. */
  add(item: T, ids: readonly number[], admittedAtMs: number, admittedAtUnixMs: number): void {
    const job: RunningJob<T> = {
      item,
      admittedAtMs,
      admittedAtUnixMs,
      rowOutputs: ids.map(() => undefined),
      remaining: ids.length,
    };
    this.#jobs.add(job);
    ids.forEach((id, row) => this.#bySequence.set(id, { job, row }));
  }

  /** Takes the sequences a step finished; the jobs whose last sequence was among them leave. */
  finish(finished: readonly FinishedSequence[]): StepFinish<T> {
    const nowMs = performance.now();
    const result: StepFinish<T> = { sequences: [], jobs: [], failed: [] };
    for (const sequence of finished) {
      const entry = this.#bySequence.get(sequence.id);
      if (entry === undefined) continue;
      this.#bySequence.delete(sequence.id);
      const { job, row } = entry;
      const executeUs = Math.round((nowMs - job.admittedAtMs) * 1000);
      result.sequences.push({ item: job.item, admittedAtUnixMs: job.admittedAtUnixMs, executeUs });
      job.rowOutputs[row] = sequence.outputs;
      job.remaining -= 1;
      if (job.remaining > 0) continue;
      this.#jobs.delete(job);
      try {
        const outputs = concatBatch(job.rowOutputs as Tensor[][]);
        result.jobs.push({ item: job.item, outputs, admittedAtUnixMs: job.admittedAtUnixMs, executeUs });
      } catch (error) {
        result.failed.push({ item: job.item, error, executeUs });
      }
    }
    return result;
  }

  /** Removes every running job, e.g. when a step failed, with the time each ran, µs. */
  removeAll(): { item: T; executeUs: number }[] {
    const nowMs = performance.now();
    const removed = Array.from(this.#jobs, (job) => ({
      item: job.item,
      executeUs: Math.round((nowMs - job.admittedAtMs) * 1000),
    }));
    this.#jobs.clear();
    this.#bySequence.clear();
    return removed;
  }
}
