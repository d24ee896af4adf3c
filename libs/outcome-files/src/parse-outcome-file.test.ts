import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OutcomeFileError } from './outcome-file-error.js';
import { parseOutcomeFile } from './parse-outcome-file.js';

// Made-up rows in RouterBench's column layout: the real files declare no licence and stay out of the repository.
const fixture = readFileSync(
  fileURLToPath(new URL('./__fixtures__/routerbench-format.csv', import.meta.url)),
  'utf8',
);

/** The error `action` throws, for assertions on its fields. */
function errorOf(action: () => unknown): OutcomeFileError {
  try {
    action();
  } catch (error) {
    if (error instanceof OutcomeFileError) return error;
    throw error;
  }
  throw new Error('expected an OutcomeFileError');
}

describe('parseOutcomeFile', () => {
  it('reads each prompt with every model’s recorded quality and cost, quoted newlines included', () => {
    const file = parseOutcomeFile(fixture, 'format.csv');

    expect(file.models).toEqual(['small-model', 'large-model']);
    expect(file.records.map((record) => [record.line, record.sampleId, record.task])).toEqual([
      [2, 'made-up.1', 'arithmetic'],
      [3, 'made-up.2', 'arithmetic'],
      [4, 'made-up.3', 'writing'],
    ]);
    expect(file.records[1]?.outcomes.get('small-model')).toEqual({ quality: 0, costUsd: 2.5e-5 });
    expect(file.records[1]?.outcomes.get('large-model')).toEqual({ quality: 1, costUsd: 0.0011 });
    expect(file.records[2]?.prompt).toBe('[\'A prompt with a\nline break and "quotes"\']');
  });

  it('treats an empty number cell as 0', () => {
    const file = parseOutcomeFile(fixture, 'format.csv');
    expect(file.records[2]?.outcomes.get('small-model')).toEqual({ quality: 0, costUsd: 0 });
  });

  it('needs only a prompt column and the model columns, in any order', () => {
    const file = parseOutcomeFile('b|total_cost,prompt,b,a,a|total_cost\n0.5,hi,0.25,1,2\n', 'min.csv');
    expect(file.models).toEqual(['b', 'a']);
    expect(file.records[0]).toMatchObject({ sampleId: '', task: '', prompt: 'hi' });
    expect(file.records[0]?.outcomes).toEqual(
      new Map([
        ['b', { quality: 0.25, costUsd: 0.5 }],
        ['a', { quality: 1, costUsd: 2 }],
      ]),
    );
  });

  it('refuses a file without the prompt or the model columns, naming what is missing', () => {
    expect(() => parseOutcomeFile(',sample_id,prompt,eval_name\n1,a,b,c\n', 'bare.csv')).toThrow(
      'bare.csv:1: not an outcome file in RouterBench format: needs a correctness column "<model>" and a cost column "<model>|total_cost" per model',
    );
    expect(() => parseOutcomeFile('id,text,a,a|total_cost\n1,b,1,0\n', 'other.csv')).toThrow(
      /^other\.csv:1: not an outcome file in RouterBench format: needs a "prompt" column$/,
    );
    expect(() => parseOutcomeFile('', 'empty.csv')).toThrow('empty.csv: is empty');
  });

  it('refuses a cost column without its correctness column', () => {
    expect(() => parseOutcomeFile('prompt,a,a|total_cost,b|total_cost\n', 'cost.csv')).toThrow(
      'cost.csv:1: column 4 (b|total_cost): has no correctness column "b" beside it',
    );
  });

  it('names the file, line and column of a malformed cell', () => {
    const broken = fixture.replace('0.0,1.0,2.5e-05', '0.0,yes,2.5e-05');
    const error = errorOf(() => parseOutcomeFile(broken, 'format.csv'));
    expect(error.message).toBe('format.csv:3: column 6 (large-model): "yes" is not a number in [0, 1]');
    expect([error.file, error.line, error.column]).toEqual(['format.csv', 3, 6]);
  });

  it('names the line a cell is on when a quoted prompt spans lines', () => {
    const broken = fixture.replace(',0.0,,0.0009,', ',0.0,,-1,');
    expect(() => parseOutcomeFile(broken, 'format.csv')).toThrow(
      'format.csv:5: column 8 (large-model|total_cost): "-1" is not a number >= 0',
    );
  });

  it('refuses a correctness outside [0, 1] and an empty prompt', () => {
    expect(() => parseOutcomeFile('prompt,a,a|total_cost\nhi,2,0\n', 'q.csv')).toThrow(
      'q.csv:2: column 2 (a): "2" is not a number in [0, 1]',
    );
    expect(() => parseOutcomeFile('prompt,a,a|total_cost\nhi,1,0\n,1,0\n', 'p.csv')).toThrow(
      'p.csv:3: column 1 (prompt): the prompt is empty',
    );
  });

  it('names the line of malformed CSV', () => {
    const error = errorOf(() => parseOutcomeFile('prompt,a,a|total_cost\nhi,1,0\nhello,1\n', 'short.csv'));
    expect(error.message).toMatch(/^short\.csv:3: malformed CSV: Invalid Record Length/);
    expect(() => parseOutcomeFile('prompt,a,a|total_cost\n"unclosed,1,0\n', 'quote.csv')).toThrow(
      /^quote\.csv:\d+: malformed CSV: Quote Not Closed/,
    );
  });

  it('refuses a header that repeats a column', () => {
    expect(() => parseOutcomeFile('prompt,a,a,a|total_cost\n', 'twice.csv')).toThrow(
      'twice.csv:1: column 3 (a): repeats column "a"',
    );
  });
});
