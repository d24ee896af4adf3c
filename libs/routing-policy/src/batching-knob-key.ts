import { NAME_RULE, isValidName } from '@switchboard/protocol';

const KEY_PREFIX = 'batching.';

/** The KV `policy` keys of every model's batching knob, for a watch. */
export const BATCHING_KNOB_KEYS = `${KEY_PREFIX}>`;

/**
 * The KV `policy` key of a model's batching knob: `batching.<model>`. Model names hold no dots
 * (NAME_PATTERN), so the key has exactly two tokens and never meets a route's policy key.
 * @throws RangeError when `model` is not a valid registry name.
 */
export function batchingKnobKey(model: string): string {
  if (!isValidName(model)) {
    throw new RangeError(`model name "${model}" cannot key a batching knob: names are ${NAME_RULE}`);
  }
  return `${KEY_PREFIX}${model}`;
}

/** The model a batching knob key is for, or undefined when `key` is no such key. */
export function modelFromBatchingKnobKey(key: string): string | undefined {
  if (!key.startsWith(KEY_PREFIX)) return undefined;
  const model = key.slice(KEY_PREFIX.length);
  return isValidName(model) ? model : undefined;
}
