import { performance } from 'node:perf_hooks';
import { ExecutionError, InvalidArgumentError } from '@switchboard/errors';
import type { Tensor } from '@switchboard/tensors';
import { countBatchRows } from '@switchboard/tensors';
import { FairQueue } from './fair-queue.js';
import type { TenantShare } from './fair-queue.js';
import type { FailedJob } from './running-sequences.js';

export interface WaitingJobsOptions<T> {
  /** Number of priority levels; level 0 is the highest (see FairQueue). */
  priorityLevels: number;
  /** The tenant an item counts against and its weight; every item counts as one tenant's without it. */
  tenantOf?: (item: T) => TenantShare;
  /** An item's deadline, Unix ms, or undefined for none. */
  deadlineUnixMs?: (item: T) => number | undefined;
  /** The prefill tokens of an item. */
  tokensOf: (item: T) => number;
  /** An item's inputs, one row per sequence; throws when the item cannot run (it then fails alone). */
  inputsOf: (item: T) => Tensor[];
}

/** What the step about to run may still take on. */
export interface StepBudget {
  /** Sequences running now. */
  runningSequences: number;
  /** Most sequences running at once. */
  maxSequences: number;
  /** Most tokens one step processes: one per sequence decoding plus the joining prefills. */
  maxStepTokens: number;
}

/** An item joining the running batch, with its inputs and its rows (one sequence each). */
export interface JoiningJob<T> {
  item: T;
  inputs: Tensor[];
  rows: number;
}

interface Waiting<T> {
  item: T;
  /** The deadline on the `performance.now()` clock; Infinity without one. */
  deadlineAtMs: number;
  /** Set when first looked at for admission. */
  decoded?: { inputs: Tensor[]; rows: number } | { error: unknown };
}

const SHARED_TENANT: TenantShare = { tenant: '', weight: 1 };

/**
 * The items waiting to join a continuous batch: a FairQueue (weighted priorities, tenant round
 * robin) and the one item that was first in line but did not fit the last step, which joins before
 * any other. Each item's inputs are decoded once, when it is first considered.
 */
export class WaitingJobs<T> {
  readonly #queue: FairQueue<Waiting<T>>;
  #next: Waiting<T> | undefined;

  constructor(private readonly options: WaitingJobsOptions<T>) {
    this.#queue = new FairQueue(options.priorityLevels);
  }

  /** Items waiting. */
  get size(): number {
    return this.#queue.size + (this.#next === undefined ? 0 : 1);
  }

  /** Queues an item at a priority level (0 = highest). */
  push(item: T, level: number): void {
    const deadlineUnixMs = this.options.deadlineUnixMs?.(item);
    const deadlineAtMs =
      deadlineUnixMs === undefined ? Infinity : performance.now() + deadlineUnixMs - Date.now();
    this.#queue.push({ item, deadlineAtMs }, level, this.options.tenantOf?.(item) ?? SHARED_TENANT);
  }

  /** The items waiting, the next to join first. */
  items(): T[] {
    const queued = Array.from(this.#queue.items(), (entry) => entry.item);
    return this.#next === undefined ? queued : [this.#next.item, ...queued];
  }

  /** Removes and returns the items whose deadline has passed. */
  removeExpired(): T[] {
    const nowMs = performance.now();
    const expired = this.#queue.removeWhere((waiting) => waiting.deadlineAtMs <= nowMs);
    if (this.#next !== undefined && this.#next.deadlineAtMs <= nowMs) {
      expired.unshift(this.#next);
      this.#next = undefined;
    }
    return expired.map((entry) => entry.item);
  }

  /** Removes and returns every item. */
  clear(): T[] {
    const items = this.items();
    this.#next = undefined;
    this.#queue.clear();
    return items;
  }

  /**
   * Takes the items that join before the next step, in queue order, while they fit the budget: at
   * least one when nothing runs, so an item over either bound runs alone. The first item that does
   * not fit ends the take and is the first to join later. Items whose inputs cannot be decoded are
   * taken too, and returned as failed.
   */
  takeJoining(budget: StepBudget): { joining: JoiningJob<T>[]; failed: FailedJob<T>[] } {
    let sequences = budget.runningSequences;
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
        (sequences + decoded.rows <= budget.maxSequences && tokens + itemTokens <= budget.maxStepTokens);
      if (fitting) {
        sequences += decoded.rows;
        tokens += itemTokens;
      } else {
        refused = waiting;
      }
      return fitting;
    };
    const taken: Waiting<T>[] = [];
    if (this.#next !== undefined) {
      if (!fits(this.#next)) return { joining: [], failed: [] };
      taken.push(this.#next);
      this.#next = undefined;
    }
    // The queue hands out its first item even when `fits` refuses it; that one waits as `#next`.
    for (const waiting of this.#queue.take(Infinity, fits)) {
      if (waiting === refused) this.#next = waiting;
      else taken.push(waiting);
    }
    const result: { joining: JoiningJob<T>[]; failed: FailedJob<T>[] } = { joining: [], failed: [] };
    for (const { item, decoded } of taken) {
      if (decoded !== undefined && !('error' in decoded)) result.joining.push({ item, ...decoded });
      else {
        const error = decoded?.error ?? new ExecutionError('a job was taken without its inputs');
        result.failed.push({ item, error, executeUs: 0 });
      }
    }
    return result;
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
