import type { Logger } from '@switchboard/logging';
import { saveCheckpoint } from './checkpoint-store.js';
import type { Database } from './open-database.js';
import type { TelemetryAggregator } from './telemetry-aggregator.js';

/** What the checkpointer needs. */
export interface CheckpointerOptions {
  readonly database: Database;
  /** The TELEMETRY stream's name, the checkpoint row's key. */
  readonly stream: string;
  readonly aggregator: TelemetryAggregator;
  /** Whether the consumer has read the whole stream (then wall-clock time may close minutes). */
  readonly isCaughtUp: () => boolean;
  readonly logger: Logger;
}

/**
 * Saves the aggregator's state with the minutes it finished, atomically (see saveCheckpoint).
 * The snapshot is taken synchronously, so records applied while the write is in flight belong to
 * the next checkpoint, and a failed write hands its minutes back to the aggregator.
 */
export class Checkpointer {
  readonly #options: CheckpointerOptions;
  #savedSequence: number;

  constructor(options: CheckpointerOptions) {
    this.#options = options;
    // What the aggregator was restored from is already saved.
    this.#savedSequence = options.aggregator.lastSequence;
  }

  /**
   * Writes a checkpoint if anything changed since the last one.
   * @throws Error (from postgres) when the write fails; the next call retries with everything.
   */
  async checkpoint(): Promise<void> {
    const { aggregator, database, stream, logger } = this.#options;
    const nowMs = Date.now();
    const finishedMinutes = aggregator.takeFinishedMinutes(this.#watermarkMs(nowMs));
    if (finishedMinutes.length === 0 && aggregator.lastSequence === this.#savedSequence) return;
    aggregator.prune(nowMs);
    const state = aggregator.toState();
    try {
      await saveCheckpoint(database, { stream, state, finishedMinutes });
    } catch (error) {
      aggregator.putBackMinutes(finishedMinutes);
      throw error;
    }
    this.#savedSequence = state.lastSequence;
    logger.debug(
      { lastSequence: state.lastSequence, rollups: finishedMinutes.length, tookMs: Date.now() - nowMs },
      'checkpoint saved',
    );
  }

  /**
   * The time up to which minutes may be closed. While replaying, the newest record time: a crash
   * mid-replay then closes the same minutes the next time round. At the head of the stream, the
   * wall clock too, so a minute closes even when traffic stops.
   */
  #watermarkMs(nowMs: number): number {
    const newestRecordAtMs = this.#options.aggregator.newestRecordAtMs ?? 0;
    return this.#options.isCaughtUp() ? Math.max(nowMs, newestRecordAtMs) : newestRecordAtMs;
  }
}
