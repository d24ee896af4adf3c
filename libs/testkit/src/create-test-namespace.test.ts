import { describe, expect, it } from 'vitest';
import { createTestNamespace } from './create-test-namespace.js';

// Lowercase letters and digits, starting with a letter: a NATS subject token, stream and
// KV bucket name, and unquoted SQL identifier all accept this.
const SAFE_NAME = /^[a-z][a-z0-9]*$/;

describe('createTestNamespace', () => {
  it('starts with t, keeps the readable label and is safe for subjects, buckets and SQL', () => {
    const namespace = createTestNamespace('Router');

    expect(namespace).toMatch(SAFE_NAME);
    expect(namespace.startsWith('trouter')).toBe(true);
  });

  it('drops characters that NATS or PostgreSQL would reject', () => {
    const namespace = createTestNamespace('infer.*>/ job-done Ünïcode_');

    expect(namespace).toMatch(SAFE_NAME);
    expect(namespace.startsWith('tinferjobdonencode')).toBe(true);
  });

  it('returns a different namespace on every call, even for the same label', () => {
    const namespaces = new Set(Array.from({ length: 1_000 }, () => createTestNamespace('same')));

    expect(namespaces.size).toBe(1_000);
  });

  it('stays short enough for a PostgreSQL identifier with a long label', () => {
    expect(createTestNamespace('x'.repeat(200)).length).toBeLessThanOrEqual(63);
  });
});
