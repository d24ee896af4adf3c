import { fromBinary } from '@bufbuild/protobuf';
import type { KV, KvEntry, KvWatchEntry } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/transport-node';
import { previewText } from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';
import { BatchingKnobSchema } from '@switchboard/protocol';
import type { BatchingKnob } from '@switchboard/protocol';
import { BATCHING_KNOB_KEYS, batchingKnobKey, modelFromBatchingKnobKey } from '@switchboard/routing-policy';

/** Told the newest knob of a served model after it changed; undefined once it was removed. */
export type BatchingKnobListener = (model: string, knob: BatchingKnob | undefined) => void;

export interface BatchingKnobsOptions {
  /** KV `policy`, where the optimizer publishes each model's knob under `batching.<model>`. */
  bucket: KV;
  /**
   * The models this worker serves at the start; {@link BatchingKnobs.follow} changes them. Knobs
   * of other models are ignored, so what is kept stays bounded.
   */
  models: readonly string[];
  logger: Logger;
  onChange: BatchingKnobListener;
}

/**
 * Follows the batching knobs of the models a worker serves: the optimizer's setting of how long a
 * model's batches may wait, tuned toward its requests' latency budgets. Keeps the newest knob per
 * model (by KV revision) and tells `onChange` about every change, removals included. A value that
 * cannot be decoded, or that names another model than its key, is logged and skipped: the knob in
 * force stays.
 */
export class BatchingKnobs {
  #served: ReadonlySet<string> = new Set();
  readonly #knobs = new Map<string, BatchingKnob>();
  /** The KV revision last seen per served model, so a value delivered twice is applied once. */
  readonly #revisions = new Map<string, number>();
  #watcher: QueuedIterator<KvWatchEntry> | undefined;
  #watching: Promise<void> | undefined;

  constructor(private readonly options: BatchingKnobsOptions) {}

  /**
   * Starts watching and resolves once the knobs in force for the served models are known.
   * @throws Error (from NATS) when the bucket cannot be watched or read.
   */
  async start(): Promise<void> {
    const { bucket, logger } = this.options;
    this.#watcher = await bucket.watch({ key: BATCHING_KNOB_KEYS });
    const watcher = this.#watcher;
    this.#watching = (async () => {
      for await (const entry of watcher) this.#apply(entry);
    })().catch((error: unknown) => logger.error({ err: error }, 'batching knob watch failed'));
    await this.follow(this.options.models);
  }

  /**
   * Makes `models` the served set: forgets the knobs of models no longer served and resolves once
   * the knobs in force for the newly served ones are known, so they load with them.
   * @throws Error (from NATS) when the bucket cannot be read.
   */
  async follow(models: readonly string[]): Promise<void> {
    const added = models.filter((model) => !this.#served.has(model));
    this.#served = new Set(models);
    for (const model of [...this.#revisions.keys()]) {
      if (this.#served.has(model)) continue;
      this.#revisions.delete(model);
      this.#knobs.delete(model);
    }
    // The watch delivers the current values too, but never says when it has delivered them all,
    // and it skipped the values of models not served then: reading their keys fills them in.
    for (const model of added) {
      const entry = await this.options.bucket.get(batchingKnobKey(model));
      if (entry !== null) this.#apply(entry);
    }
  }

  /** Stops watching. Idempotent. */
  async stop(): Promise<void> {
    this.#watcher?.stop();
    await this.#watching;
  }

  /** The newest knob of a served model, or undefined when it has none (the registry's delay applies). */
  get(model: string): BatchingKnob | undefined {
    return this.#knobs.get(model);
  }

  #apply(entry: KvEntry): void {
    const { logger } = this.options;
    const model = modelFromBatchingKnobKey(entry.key);
    if (model === undefined) {
      logger.warn({ key: entry.key }, 'skipping a batching knob whose key names no model');
      return;
    }
    if (!this.#served.has(model)) return; // another worker's model: not ours to apply
    if (entry.revision <= (this.#revisions.get(model) ?? 0)) return;
    this.#revisions.set(model, entry.revision);
    if (entry.operation !== 'PUT') {
      if (this.#knobs.delete(model)) this.options.onChange(model, undefined);
      return;
    }
    const knob = decodeKnob(entry.value, model);
    if (knob instanceof Error) {
      logger.warn({ err: knob, model, revision: entry.revision }, 'skipping a malformed batching knob');
      return;
    }
    this.#knobs.set(model, knob);
    this.options.onChange(model, knob);
  }
}

/** The knob in a KV value, or the Error saying why it is none. */
function decodeKnob(value: Uint8Array, model: string): BatchingKnob | Error {
  let knob: BatchingKnob;
  try {
    knob = fromBinary(BatchingKnobSchema, value);
  } catch (error) {
    return new Error('the value is no BatchingKnob', { cause: error });
  }
  if (knob.model !== model) {
    return new Error(`the knob under the key of model "${model}" is for model ${previewText(knob.model)}`);
  }
  return knob;
}
