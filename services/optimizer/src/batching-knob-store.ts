import { fromBinary, toBinary } from '@bufbuild/protobuf';
import type { KV } from '@nats-io/kv';
import type { Logger } from '@switchboard/logging';
import { BatchingKnobSchema } from '@switchboard/protocol';
import type { BatchingKnob } from '@switchboard/protocol';
import { batchingKnobKey } from '@switchboard/routing-policy';

/**
 * The model's knob in force in KV `policy` (`batching.<model>`), or undefined when it has none. A
 * value that is no knob of this model is logged and read as none: the next knob replaces it.
 * @throws Error (from NATS) when the bucket cannot be read.
 */
export async function loadBatchingKnob(
  bucket: KV,
  model: string,
  logger: Logger,
): Promise<BatchingKnob | undefined> {
  const entry = await bucket.get(batchingKnobKey(model));
  if (entry === null || entry.operation !== 'PUT') return undefined;
  try {
    const knob = fromBinary(BatchingKnobSchema, entry.value);
    if (knob.model === model) return knob;
    logger.warn({ model, knobModel: knob.model }, 'the batching knob stored for the model names another');
  } catch (error) {
    logger.warn({ err: error, model }, 'the batching knob stored for the model cannot be decoded');
  }
  return undefined;
}

/**
 * Puts a model's knob into KV `policy` under `batching.<model>`, where workers serving the model
 * watch it.
 * @throws Error (from NATS) when the bucket cannot be written.
 */
export async function saveBatchingKnob(bucket: KV, knob: BatchingKnob): Promise<void> {
  await bucket.put(batchingKnobKey(knob.model), toBinary(BatchingKnobSchema, knob));
}
