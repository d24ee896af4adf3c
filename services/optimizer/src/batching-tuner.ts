import { create } from '@bufbuild/protobuf';
import type { KV } from '@nats-io/kv';
import { StatusCode } from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';
import { BatchingKnobSchema, BatchingMode } from '@switchboard/protocol';
import type { BatchingKnob, BatchingSpec } from '@switchboard/protocol';
import { tuneQueueDelay } from '@switchboard/routing-policy';
import { loadBatchingKnob, saveBatchingKnob } from './batching-knob-store.js';
import { LatencyWindows } from './latency-windows.js';
import type { OptimizerMetrics } from './optimizer-metrics.js';
import type { DecisionRow } from './read-records.js';

/**
 * Requests kept per model. tuneQueueDelay needs 50 with a budget; a thousand give a steady 95th
 * percentile and cover about a second of a busy model (~30 KB per model).
 */
const DEFAULT_WINDOW_SIZE = 1_000;

export interface BatchingTunerOptions {
  /** KV `policy`, where knobs go under `batching.<model>`. */
  readonly bucket: KV;
  /** The model's batching spec in the live registry; undefined when the registry has no such model or no spec. */
  readonly batchingOf: (model: string) => BatchingSpec | undefined;
  readonly metrics: OptimizerMetrics;
  readonly logger: Logger;
  /** Requests kept per model. @default 1000 */
  readonly windowSize?: number;
}

/**
 * Tunes how long each batching model's batches wait (issue 10, item 6). It keeps the newest requests
 * every registry model that batches served, from the router's decision records, and on each
 * {@link tune} round runs `tuneQueueDelay` with the model's registry spec and the knob in force. A
 * changed delay is published as a new BatchingKnob (version + 1) in KV `policy`, which the workers
 * apply; then the model's window starts over, as requests served before the change were shaped by
 * the old delay. The knob in force is read from KV the first time a model is tuned, so a restart
 * continues from it and ignores requests answered before it applied.
 */
export class BatchingTuner {
  readonly #windows: LatencyWindows;
  /** The knob in force per tuned model, once read from KV (undefined: none, the registry's delay). */
  readonly #knobs = new Map<string, BatchingKnob | undefined>();

  constructor(private readonly options: BatchingTunerOptions) {
    this.#windows = new LatencyWindows(options.windowSize ?? DEFAULT_WINDOW_SIZE);
  }

  /** Keeps the latencies of decisions served by batching registry models. */
  observe(decisions: readonly DecisionRow[]): void {
    for (const decision of decisions) {
      if (!isAboutLatency(decision) || !batches(this.options.batchingOf(decision.model))) continue;
      this.#windows.add(decision.model, {
        requestKey: decision.requestKey,
        latencyUs: decision.latencyUs,
        budgetUs: decision.budgetUs,
        sloMissed: decision.sloMissed,
        answeredAtMs: decision.answeredAtMs,
      });
    }
  }

  /**
   * One round: every model with observations is judged, and its knob published when the delay moves.
   * @throws Error (from NATS) when a knob cannot be read or written; the models after it wait for
   * the next round.
   */
  async tune(): Promise<void> {
    for (const model of this.#windows.models()) await this.#tuneModel(model);
  }

  async #tuneModel(model: string): Promise<void> {
    const { bucket, batchingOf, metrics, logger } = this.options;
    const knob = await this.#knobOf(model);
    const decision = tuneQueueDelay({
      batching: batchingOf(model),
      currentDelayUs: knob?.maxQueueDelayUs,
      observations: this.#windows.since(model, Number(knob?.atUnixMs ?? 0n)),
    });
    if (decision === undefined) {
      // Gone from the registry or no longer batching: nothing to tune, nothing to keep.
      this.#windows.delete(model);
      this.#knobs.delete(model);
      return;
    }
    if (!decision.changed) return;
    const next = create(BatchingKnobSchema, {
      model,
      maxQueueDelayUs: decision.maxQueueDelayUs,
      version: (knob?.version ?? 0n) + 1n,
      reason: decision.reason,
      atUnixMs: BigInt(Date.now()),
    });
    await saveBatchingKnob(bucket, next);
    this.#knobs.set(model, next);
    this.#windows.delete(model);
    metrics.batchingKnobPublished(model);
    logger.info(
      { model, maxQueueDelayUs: next.maxQueueDelayUs, version: Number(next.version), reason: next.reason },
      'batching knob changed',
    );
  }

  async #knobOf(model: string): Promise<BatchingKnob | undefined> {
    if (this.#knobs.has(model)) return this.#knobs.get(model);
    const knob = await loadBatchingKnob(this.options.bucket, model, this.options.logger);
    this.#knobs.set(model, knob);
    return knob;
  }
}

/**
 * Whether a decision tells how long the model took: an answer, or a request that ran out of its
 * deadline. Other failures (a model error, overload, an open circuit) say nothing about the delay.
 */
function isAboutLatency(decision: DecisionRow): boolean {
  const ended = decision.statusCode === StatusCode.OK || decision.statusCode === StatusCode.DEADLINE_EXCEEDED;
  return ended && decision.latencyUs >= 0;
}

function batches(batching: BatchingSpec | undefined): boolean {
  return batching?.mode === BatchingMode.STATIC || batching?.mode === BatchingMode.DYNAMIC;
}
