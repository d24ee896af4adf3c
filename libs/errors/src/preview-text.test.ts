import { describe, expect, it } from 'vitest';
import { previewText } from './preview-text.js';

describe('previewText', () => {
  it('quotes short text whole and cuts long text after 64 characters', () => {
    expect(previewText('a b\nc')).toBe('"a b\\nc"');
    expect(previewText('x'.repeat(100_000))).toBe(`"${'x'.repeat(64)}…"`);
  });
});
