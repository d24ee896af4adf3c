import { describe, expect, it } from 'vitest';
import { parseRoutingFlags } from './parse-routing-flags.js';

describe('parseRoutingFlags', () => {
  it('defaults to the three shared CSVs, a 20% hold-out, every policy and a fitted λ', () => {
    const flags = parseRoutingFlags([]);
    expect(flags.train.map((path) => path.split('/').at(-1))).toEqual([
      'routerbench0shot_arc_challenge_train.csv',
      'routerbench0shot_mbpp_train.csv',
      'routerbench0shot_winograde_train.csv',
    ]);
    expect(flags.train[0]).toMatch(/\/shared\/data\/routing\//);
    expect(flags).toMatchObject({
      test: [],
      holdout: 0.2,
      seed: 1,
      policies: ['optimizer-offline', 'optimizer-online', 'rules', 'always', 'oracle'],
      costWeight: { kind: 'auto' },
      costTarget: 0.4,
      onlineCostTarget: 0.35,
      onlineExploration: 0.5,
      concurrency: 64,
      speedup: 10,
    });
  });

  it('takes several files after --train and --test, and a fixed λ', () => {
    const flags = parseRoutingFlags(['--train', 'a.csv', 'b.csv', '--test', 'c.csv', '--cost-weight', '8.5']);
    expect([flags.train, flags.test, flags.costWeight]).toEqual([
      ['a.csv', 'b.csv'],
      ['c.csv'],
      { kind: 'fixed', perUsd: 8.5 },
    ]);
  });

  it('keeps the policies in their own order and refuses unknown ones, naming the flag', () => {
    expect(parseRoutingFlags(['--policies', 'oracle,rules']).policies).toEqual(['rules', 'oracle']);
    expect(() => parseRoutingFlags(['--policies', 'static'])).toThrow(/--policies takes a list of/);
  });

  it('refuses malformed values, naming the flag', () => {
    expect(() => parseRoutingFlags(['--cost-weight=-1'])).toThrow(/--cost-weight must be auto or a number/);
    expect(() => parseRoutingFlags(['--online-exploration', '0.8'])).toThrow(
      /--online-exploration must be at most 0.5/,
    );
    expect(() => parseRoutingFlags(['stray.csv'])).toThrow('unexpected argument "stray.csv"');
  });
});
