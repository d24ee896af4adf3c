import { describe, expect, it } from 'vitest';
import { createSubjectNames } from './subject-names.js';
import {
  MAX_SUBJECT_BYTES,
  UnsafeSubjectError,
  isSubjectToken,
  publishableSubject,
} from './subject-rules.js';

describe('subject rules', () => {
  it('takes registry names and (unknown) as tokens, and nothing with separators, wildcards, whitespace or control characters', () => {
    for (const token of ['classifier-small', 'm_1', '(unknown)', 'ü'])
      expect(isSubjectToken(token), token).toBe(true);
    for (const token of ['', 'a.b', '*', '>', 'a b', 'a\tb', 'a\nb', 'a\r', '\u0000', '\u007f', 'a\u00a0b'])
      expect(isSubjectToken(token), JSON.stringify(token)).toBe(false);
  });

  it('publishes only literal subjects no longer than the limit', () => {
    expect(publishableSubject('reply.router-a')).toBe('reply.router-a');
    expect(() => publishableSubject('reply.*')).toThrow(UnsafeSubjectError);
    expect(() => publishableSubject('reply..a')).toThrow(UnsafeSubjectError);
    expect(() => publishableSubject(`reply.${'x'.repeat(MAX_SUBJECT_BYTES)}`)).toThrow(
      /longer than 256 bytes/,
    );
  });

  it('refuses to build a per-model subject from a name that is no token, quoting only its start', () => {
    const names = createSubjectNames('ns');
    expect(names.inferSubject('m', 2)).toBe('ns.infer.m.2');
    expect(names.telemetryRequestSubject('(unknown)')).toBe('ns.telemetry.request.(unknown)');
    expect(() => names.telemetryRequestSubject('a model')).toThrow(UnsafeSubjectError);
    expect(() => names.deadLetterSubject('a.b')).toThrow(UnsafeSubjectError);
    expect(() => names.inferSubject('x'.repeat(100_000), 2)).toThrow(
      /^"x{64}…" cannot be a NATS subject token$/,
    );
  });
});
