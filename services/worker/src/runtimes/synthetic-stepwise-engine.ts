import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutionError } from '@switchboard/errors';
import type { StepwiseTiming } from './synthetic-stepwise-options.js';
import type { SequenceRow } from './llm-tensors.js';

/** Node turns a longer timer into a 1 ms one (TimeoutOverflowWarning), which would skip the wait. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * Longest a step with nothing to decode waits for answers still on the network, wall-clock ms: the
 * caller admits new sequences between steps, so the wait is cut short instead of holding them up.
 */
const NETWORK_POLL_MS = 2;

/** A sequence that finished, with the row it was admitted for. */
export interface FinishedRow {
  readonly id: number;
  readonly row: SequenceRow;
}

interface ActiveSequence {
  readonly row: SequenceRow;
  remainingTokens: number;
}

/** A sequence that finished decoding and whose answer is still on the network. */
interface LeavingSequence extends FinishedRow {
  /** When its answer arrives, by performance.now(). */
  readonly releaseAtMs: number;
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
 * token for every sequence and lets the finished ones go once their answer has crossed the network
 * (`network_ms`, which holds up no other sequence). Time passes by sleeping for each cost, divided by
 * the speedup.
 */
export class StepwiseEngine {
  readonly #active = new Map<number, ActiveSequence>();
  /** Finished sequences in the order they finished, which is the order their answers arrive. */
  #leaving: LeavingSequence[] = [];
  #nextId = 0;
  /** When the simulated work handed out so far is done, by performance.now(). */
  #doneAtMs = 0;
  #busy = false;

  constructor(
    private readonly name: string,
    private readonly timing: StepwiseTiming,
    private readonly speedup: number,
  ) {}

  /** Sequences admitted and not yet returned: decoding, or finished with their answer on the network. */
  get activeSequences(): number {
    return this.#active.size + this.#leaving.length;
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
   * sequences whose answer has arrived; one admitted with max_tokens 0 finishes at its first step.
   * With nothing to decode it waits a moment for answers still on the network.
   */
  async step(): Promise<FinishedRow[]> {
    return this.#exclusive(async () => {
      const decoding = [...this.#active.values()].filter((sequence) => sequence.remainingTokens > 0);
      if (decoding.length > 0) await this.#spend(stepCostMs(this.timing, decoding.length));
      for (const sequence of decoding) sequence.remainingTokens -= 1;
      const releaseAtMs = performance.now() + this.timing.networkMs / this.speedup;
      for (const [id, sequence] of this.#active) {
        if (sequence.remainingTokens > 0) continue;
        this.#active.delete(id);
        this.#leaving.push({ id, row: sequence.row, releaseAtMs });
      }
      const firstArrivalMs = this.#leaving[0]?.releaseAtMs ?? Infinity;
      if (this.#active.size === 0 && firstArrivalMs > performance.now() && firstArrivalMs < Infinity) {
        await sleep(Math.min(firstArrivalMs - performance.now(), NETWORK_POLL_MS));
      }
      const nowMs = performance.now();
      const arrived = this.#leaving.findIndex((sequence) => sequence.releaseAtMs > nowMs);
      const finished = this.#leaving.splice(0, arrived === -1 ? this.#leaving.length : arrived);
      return finished.map(({ id, row }) => ({ id, row }));
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
