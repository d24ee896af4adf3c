import { describe, expect, it } from 'vitest';
import { parseReplayFlags } from './parse-replay-flags.js';

describe('parseReplayFlags', () => {
  it('reads several files after --prompts and --train, and every setting', () => {
    const flags = parseReplayFlags([
      ...['--trace', 't.jsonl', '--prompts', 'a.csv', 'b.csv', '--train', 'c.csv', '--train', 'd.csv'],
      ...[
        '--speedup',
        '4',
        '--duration',
        '60',
        '--load',
        '1.5',
        '--policies',
        'switchboard-rules,switchboard,static',
        '--capacity',
        '--cost-weight',
        '7.5',
        '--cost-target',
        '0.3',
      ],
    ]);
    expect(flags).toMatchObject({
      trace: 't.jsonl',
      prompts: ['a.csv', 'b.csv'],
      train: ['c.csv', 'd.csv'],
      speedup: 4,
      durationSeconds: 60,
      load: 1.5,
      policies: ['static', 'switchboard', 'switchboard-rules'],
      capacity: true,
      costWeight: { kind: 'fixed', perUsd: 7.5 },
      costTarget: 0.3,
    });
  });

  it('defaults to the conversation trace and the three RouterBench files beside the repository', () => {
    const flags = parseReplayFlags([]);
    expect(flags.trace).toMatch(/shared\/data\/traces\/AzureLLMInferenceTrace_conv\.csv$/);
    expect(flags.prompts).toHaveLength(3);
    expect(flags.train).toEqual([]);
    expect(flags.policies).toEqual([
      'static',
      'always-largest',
      'cheapest',
      'round-robin',
      'random',
      'least-loaded',
      'switchboard',
      'switchboard-rules',
      'oracle',
    ]);
    expect(flags.costWeight).toEqual({ kind: 'auto' });
    expect(flags.costTarget).toBe(0.4);
  });

  it('refuses a stray argument, an unknown policy and a malformed number, naming them', () => {
    expect(() => parseReplayFlags(['--trace', 't.csv', 'extra'])).toThrow(/unexpected argument "extra"/);
    expect(() => parseReplayFlags(['--policies', 'static,smart'])).toThrow(/--policies takes a list of/);
    expect(() => parseReplayFlags(['--speedup', 'fast'])).toThrow(/--speedup must be a number > 0/);
    expect(() => parseReplayFlags(['--cost-weight', 'cheap'])).toThrow(
      /--cost-weight must be auto or a number/,
    );
    expect(() => parseReplayFlags(['--cost-target', '1.5'])).toThrow(/--cost-target must be at most 1/);
  });
});
