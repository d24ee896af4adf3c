import { describe, expect, it } from 'vitest';
import { BATCHING_KNOB_KEYS, batchingKnobKey, modelFromBatchingKnobKey } from './batching-knob-key.js';

describe('batchingKnobKey', () => {
  it('keys a model under batching. and reads the model back', () => {
    expect(batchingKnobKey('gpt-4_turbo')).toBe('batching.gpt-4_turbo');
    expect(modelFromBatchingKnobKey(batchingKnobKey('gpt-4_turbo'))).toBe('gpt-4_turbo');
    expect(BATCHING_KNOB_KEYS).toBe('batching.>');
  });

  it('refuses a name that would add tokens or wildcards to the key', () => {
    for (const name of ['a.b', '>', '*', '', 'Upper']) {
      expect(() => batchingKnobKey(name)).toThrow(RangeError);
    }
  });

  it('reads no model from a route policy key or a key with more tokens', () => {
    for (const key of ['chat', 'batching', 'batching.', 'batching.a.b', 'batchingx.a', 'policy.batching.a']) {
      expect(modelFromBatchingKnobKey(key)).toBeUndefined();
    }
  });
});
