import { describe, expect, it } from 'vitest';
import { parseChaosFlags } from './parse-chaos-flags.js';

describe('parseChaosFlags', () => {
  it('runs every scenario at full length into ./chaos/results by default', () => {
    expect(parseChaosFlags([], '/repo')).toEqual({
      quick: false,
      outDirectory: '/repo/chaos/results',
      only: [],
      help: false,
    });
  });

  it('reads --quick, --out relative to the working directory and --only, past a lone --', () => {
    expect(parseChaosFlags(['--', '--quick', '--out', 'tmp/run', '--only', '1,10'], '/repo')).toMatchObject({
      quick: true,
      outDirectory: '/repo/tmp/run',
      only: [1, 10],
    });
  });

  it('refuses unknown flags, missing values and scenario numbers outside 1 to 10', () => {
    expect(() => parseChaosFlags(['--fast'], '/repo')).toThrow('unknown flag --fast');
    expect(() => parseChaosFlags(['--out'], '/repo')).toThrow('--out needs a value');
    expect(() => parseChaosFlags(['--only', '11'], '/repo')).toThrow(/1 to 10/);
  });
});
