import { create } from '@bufbuild/protobuf';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { nextResultKey, resultKey } from './result-key.js';

const request = (id: string, modelName = 'classifier') => create(ModelInferRequestSchema, { id, modelName });

describe('resultKey', () => {
  it('gives a retry of the same request by the same tenant the same key, usable as a KV key', () => {
    const key = resultKey('acme', request('order-1'));
    expect(resultKey('acme', request('order-1'))).toBe(key);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("never gives one tenant another's key for the same id, nor another request reusing an id the same key", () => {
    expect(resultKey('acme', request('order-1'))).not.toBe(resultKey('globex', request('order-1')));
    expect(resultKey('acme', request('order-1'))).not.toBe(resultKey('acme', request('order-1', 'other')));
  });

  it('gives a request without an id no key: it is not deduplicated', () => {
    expect(resultKey('acme', request(''))).toBe('');
  });

  it('numbers the keys of later jobs for the same request, up to the third', () => {
    expect(nextResultKey('abc')).toBe('abc.2');
    expect(nextResultKey('abc.2')).toBe('abc.3');
    expect(nextResultKey('abc.3')).toBeUndefined();
  });
});
