import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutionError } from '@switchboard/errors';
import type { StepwiseTiming } from './synthetic-stepwise-options.js';
import type { SequenceRow } from './llm-tensors.js';

/** Node turns a longer timer into a 1 ms one (TimeoutOverflowWarning), which would skip the wait. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A sequence that finished, with the row it was admitted for. */
export interface FinishedRow {
  readonly id: number;
  readonly row: SequenceRow;
}

interface ActiveSequence {
  readonly row: SequenceRow;
  remainingTokens: number;
}

/**
 * Admission cost: `ttft_ms` plus `prefill_us_per_token` per input token of the admitted rows.
 * @returns simulated milliseconds.
 */
function admitCostMs(timing: StepwiseTiming, rows: readonly SequenceRow[]): number {
  const inputTokens = rows.reduce((sum, row) => sum + row.inputTokens, 0);
  return timing.ttftMs + (inputTokens * timing.prefillUsPerToken) / 1000;
}

/**
 * Cost of one decode step: `decode_ms_per_step` plus `decode_us_per_sequence` per sequence decoding.
 * @returns simulated milliseconds.
 */
function stepCostMs(timing: StepwiseTiming, decodingSequences: number): number {
  return timing.decodeMsPerStep + (decodingSequences * timing.decodeUsPerSequence) / 1000;
}

/**
 * The running sequences of one simulated accelerator: admissions pay prefill, each step decodes one
 * token for every sequence and lets the finished ones go. Time passes by sleeping for each cost,
 * divided by the speedup.
 */
export class StepwiseEngine {
  readonly #active = new Map<number, ActiveSequence>();
  #nextId = 0;
  /** When the simulated work handed out so far is done, by performance.now(). */
  #doneAtMs = 0;
  #busy = false;

  constructor(
    private readonly name: string,
    private readonly timing: StepwiseTiming,
    private readonly speedup: number,
  ) {}

  get activeSequences(): number {
    return this.#active.size;
  }

  /** Starts a sequence per row after their prefill. @returns their ids, in row order. */
  async admit(rows: readonly SequenceRow[]): Promise<number[]> {
    return this.#exclusive(async () => {
      if (rows.length === 0) return [];
      await this.#spend(admitCostMs(this.timing, rows));
      return rows.map((row) => {
        const id = this.#nextId++;
        this.#active.set(id, { row, remainingTokens: row.maxTokens });
        return id;
      });
    });
  }

  /**
   * Decodes one token for every sequence that still needs one, then returns (and drops) the
   * sequences that need no more; one admitted with max_tokens 0 leaves at its first step.
   */
  async step(): Promise<FinishedRow[]> {
    return this.#exclusive(async () => {
      const decoding = [...this.#active.values()].filter((sequence) => sequence.remainingTokens > 0);
      if (decoding.length > 0) await this.#spend(stepCostMs(this.timing, decoding.length));
      for (const sequence of decoding) sequence.remainingTokens -= 1;
      const finished: FinishedRow[] = [];
      for (const [id, sequence] of this.#active) {
        if (sequence.remainingTokens > 0) continue;
        this.#active.delete(id);
        finished.push({ id, row: sequence.row });
      }
      return finished;
    });
  }

  /** Runs one admit or step; the sequences must not change under a call that is sleeping. */
  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#busy) {
      throw new ExecutionError(
        `synthetic-stepwise model ${this.name} got a call while another ran; await each admit and step before the next`,
        { retryable: false },
      );
    }
    this.#busy = true;
    try {
      return await work();
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Sleeps until the simulated cost has passed. The deadline runs on from the previous one while
   * that is still ahead, so a cost under a timer's millisecond is carried into the next step
   * instead of being rounded up to a whole millisecond each time.
   */
  async #spend(costMs: number): Promise<void> {
    this.#doneAtMs = Math.max(performance.now(), this.#doneAtMs) + costMs / this.speedup;
    for (let leftMs = this.#doneAtMs - performance.now(); leftMs >= 1;) {
      await sleep(Math.min(leftMs, MAX_TIMER_MS));
      leftMs = this.#doneAtMs - performance.now();
    }
  }
}
