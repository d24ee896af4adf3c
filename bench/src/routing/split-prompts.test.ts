import type { OutcomeRecord } from '@switchboard/outcome-files';
import { describe, expect, it } from 'vitest';
import { holdOutTestPrompts, promptHashShare, splitByPromptHash } from './split-prompts.js';

const record = (prompt: string): OutcomeRecord => ({
  line: 2,
  sampleId: '',
  task: '',
  prompt,
  outcomes: new Map(),
});
const records = Array.from({ length: 2_000 }, (_, index) => record(`prompt number ${index}`));

describe('splitByPromptHash', () => {
  it('holds out about the given share, the same prompts for the same seed in any order', () => {
    const { train, test } = splitByPromptHash(records, 0.2, 1);
    expect(train.length + test.length).toBe(records.length);
    expect(test.length / records.length).toBeGreaterThan(0.17);
    expect(test.length / records.length).toBeLessThan(0.23);

    const again = splitByPromptHash([...records].reverse(), 0.2, 1);
    expect(new Set(again.test.map((row) => row.prompt))).toEqual(new Set(test.map((row) => row.prompt)));
  });

  it('holds out other prompts under another seed', () => {
    const first = new Set(splitByPromptHash(records, 0.2, 1).test.map((row) => row.prompt));
    const second = splitByPromptHash(records, 0.2, 2).test.filter((row) => first.has(row.prompt));
    expect(second.length).toBeLessThan(first.size * 0.4);
  });

  it('draws shares in [0, 1)', () => {
    const shares = records.map((row) => promptHashShare(row.prompt, 7));
    expect(Math.min(...shares)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...shares)).toBeLessThan(1);
  });
});

describe('holdOutTestPrompts', () => {
  it('drops training rows whose prompt is a test prompt', () => {
    const split = holdOutTestPrompts([record('a'), record('b'), record('c')], [record('b')]);
    expect(split.train.map((row) => row.prompt)).toEqual(['a', 'c']);
    expect(split.test.map((row) => row.prompt)).toEqual(['b']);
  });
});
