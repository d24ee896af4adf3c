import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOutcomeFile, readOutcomeFiles } from './read-outcome-files.js';
import { toOutcomeRows } from './to-outcome-rows.js';

describe('readOutcomeFiles', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'outcome-files-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function file(name: string, text: string): Promise<string> {
    const path = join(directory, name);
    await writeFile(path, text);
    return path;
  }

  it('returns the rows of every file in order when they record the same models', async () => {
    const first = await file('a.csv', 'prompt,x,y,x|total_cost,y|total_cost\none,1,0,0.1,0.2\n');
    const second = await file('b.csv', 'prompt,y,x,y|total_cost,x|total_cost\ntwo,1,0,0.3,0.4\n');

    const records = await readOutcomeFiles([first, second]);

    expect(records.map((record) => record.prompt)).toEqual(['one', 'two']);
    expect(records[1]?.outcomes.get('x')).toEqual({ quality: 0, costUsd: 0.4 });
  });

  it('refuses files whose models differ, naming both', async () => {
    const first = await file('a.csv', 'prompt,x,x|total_cost\none,1,0.1\n');
    const second = await file('b.csv', 'prompt,z,z|total_cost\ntwo,1,0.1\n');

    await expect(readOutcomeFiles([first, second])).rejects.toThrow(
      `${second}:1: its models (z) differ from those of ${first} (x)`,
    );
  });

  it('names a file it cannot read', async () => {
    const missing = join(directory, 'missing.csv');
    await expect(readOutcomeFile(missing)).rejects.toThrow(`${missing}: cannot be read: ENOENT`);
  });
});

describe('toOutcomeRows', () => {
  it('gives each prompt the outcomes of the mapped models under their registry names', () => {
    const outcomes = new Map([
      ['org/Small', { quality: 1, costUsd: 0.001 }],
      ['other', { quality: 0, costUsd: 0.5 }],
    ]);
    const rows = toOutcomeRows(
      [{ line: 2, sampleId: '', task: '', prompt: 'hi', outcomes }],
      new Map([['org/Small', 'small']]),
    );

    expect(rows).toHaveLength(1);
    expect(rows[0]?.prompt).toBe('hi');
    expect(rows[0]?.outcomes.map(({ model, quality, costUsd }) => ({ model, quality, costUsd }))).toEqual([
      { model: 'small', quality: 1, costUsd: 0.001 },
    ]);
  });
});
