import { describe, expect, it } from 'vitest';
import { parseOverheadFlags } from './parse-overhead-flags.js';

describe('parseOverheadFlags', () => {
  it('runs all four paths at the target concurrencies and writes to bench/results/overhead by default', () => {
    const flags = parseOverheadFlags([], [1, 64]);
    expect(flags.paths).toEqual(['a', 'b', 'c', 'd']);
    expect(flags.concurrencies).toEqual([1, 64]);
    expect(flags.out).toMatch(/bench\/results\/overhead$/);
  });

  it('keeps the listed paths in their fixed order, the HTTP/REST path among them', () => {
    expect(parseOverheadFlags(['--paths', 'd,a'], [1]).paths).toEqual(['a', 'd']);
  });

  it('refuses a path it does not know, naming the ones it does', () => {
    expect(() => parseOverheadFlags(['--paths', 'a,e'], [1])).toThrow(/a, b, c, d; got "a,e"/);
  });

  it('takes the output directory as given', () => {
    expect(parseOverheadFlags(['--out', '/tmp/overhead'], [1]).out).toBe('/tmp/overhead');
  });
});
