import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRouterBench } from './read-routerbench.js';

// Made-up rows in RouterBench's column layout: the real files declare no licence and stay out of the repository.
const fixture = readFileSync(
  fileURLToPath(new URL('./__fixtures__/routerbench-format.csv', import.meta.url)),
  'utf8',
);

describe('parseRouterBench', () => {
  it('reads each prompt with every model’s recorded correctness and cost, quoted newlines included', () => {
    const records = parseRouterBench(fixture, 'format.csv');

    expect(records.map((record) => [record.sampleId, record.task])).toEqual([
      ['made-up.1', 'arithmetic'],
      ['made-up.2', 'arithmetic'],
      ['made-up.3', 'writing'],
    ]);
    expect(records[1]?.outcomes.get('small-model')).toEqual({ correct: false, costUsd: 2.5e-5 });
    expect(records[1]?.outcomes.get('large-model')).toEqual({ correct: true, costUsd: 0.0011 });
    expect(records[2]?.prompt).toBe('[\'A prompt with a\nline break and "quotes"\']');
  });

  it('treats an empty cell as 0', () => {
    const records = parseRouterBench(fixture, 'format.csv');
    expect(records[2]?.outcomes.get('small-model')).toEqual({ correct: false, costUsd: 0 });
  });

  it('refuses a file without the model columns', () => {
    expect(() => parseRouterBench(',sample_id,prompt,eval_name\n1,a,b,c\n', 'bare.csv')).toThrow(
      /bare\.csv: not a RouterBench-format file: needs at least two model columns/,
    );
    expect(() => parseRouterBench('id,text\n1,b\n', 'other.csv')).toThrow(
      /missing sample_id, prompt, eval_name/,
    );
  });

  it('names the line of a malformed cell', () => {
    const broken = fixture.replace('0.0,1.0,2.5e-05', '0.0,yes,2.5e-05');
    expect(() => parseRouterBench(broken, 'format.csv')).toThrow(/format\.csv:3: large-model "yes"/);
  });
});
