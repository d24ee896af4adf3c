import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FailedPreconditionError } from '@switchboard/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLlmOutcomes } from './read-llm-outcomes.js';

const FIRST_SHA256 = 'a'.repeat(64);
const SECOND_SHA256 = '0123456789abcdef'.repeat(4);

const line = (record: Record<string, unknown>) => JSON.stringify(record);
const first = line({ prompt_sha256: FIRST_SHA256, correct: 1, cost_usd: 0.00042 });
const second = line({ prompt_sha256: SECOND_SHA256, correct: 0, cost_usd: 0.0125 });

describe('readLlmOutcomes', () => {
  let directory: string;
  let fileCount = 0;

  /** Writes `text` to a new file of the test directory and returns its path. */
  async function outcomesFile(text: string): Promise<string> {
    fileCount += 1;
    const path = join(directory, `outcomes-${fileCount}.jsonl`);
    await writeFile(path, text);
    return path;
  }

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'read-llm-outcomes-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keys each outcome by its prompt hash, skipping blank lines and ignoring other fields', async () => {
    const extra = line({ prompt_sha256: SECOND_SHA256, correct: 0, cost_usd: 0.0125, model: 'gpt-4' });
    const path = await outcomesFile(`${first}\n\n${extra}\r\n${second}\n`);

    const outcomes = await readLlmOutcomes(path);

    expect(outcomes).toEqual(
      new Map([
        [FIRST_SHA256, { correct: 1, costUsd: 0.00042 }],
        [SECOND_SHA256, { correct: 0, costUsd: 0.0125 }],
      ]),
    );
  });

  it.each([
    ['is cut short', '{"prompt_sha256": ', 'line 3 is not JSON'],
    ['is an array', '[1, 0.1]', 'line 3 is not a JSON object'],
    [
      'has an uppercase hash',
      line({ prompt_sha256: 'A'.repeat(64), correct: 1, cost_usd: 0 }),
      'line 3 needs "prompt_sha256": 64 lowercase hex characters (the SHA-256 of the UTF-8 prompt)',
    ],
    [
      'has a short hash',
      line({ prompt_sha256: FIRST_SHA256.slice(1), correct: 1, cost_usd: 0 }),
      'line 3 needs "prompt_sha256"',
    ],
    [
      'scores correctness 0.5',
      line({ prompt_sha256: 'b'.repeat(64), correct: 0.5, cost_usd: 0 }),
      'line 3 needs "correct": 0 or 1, got 0.5',
    ],
    [
      'says correct as a boolean',
      line({ prompt_sha256: 'b'.repeat(64), correct: true, cost_usd: 0 }),
      'line 3 needs "correct": 0 or 1, got true',
    ],
    [
      'has a negative cost',
      line({ prompt_sha256: 'b'.repeat(64), correct: 1, cost_usd: -1 }),
      'line 3 needs "cost_usd": a number >= 0, got -1',
    ],
    [
      'has no cost',
      line({ prompt_sha256: 'b'.repeat(64), correct: 1 }),
      'line 3 needs "cost_usd": a number >= 0, got undefined',
    ],
    [
      'gives the first prompt another outcome',
      line({ prompt_sha256: FIRST_SHA256, correct: 0, cost_usd: 0.00042 }),
      `line 3 records prompt ${FIRST_SHA256} with another outcome than line 1`,
    ],
  ])('refuses a file whose third line %s, naming the file and the line', async (_, third, problem) => {
    const path = await outcomesFile(`${first}\n${second}\n${third}\n`);

    const reading = readLlmOutcomes(path);

    await expect(reading).rejects.toThrow(FailedPreconditionError);
    await expect(reading).rejects.toThrow(`outcomes file ${path} ${problem}`);
  });

  it('accepts a prompt recorded twice with the same outcome', async () => {
    const path = await outcomesFile(`${first}\n${second}\n${first}\n`);

    expect((await readLlmOutcomes(path)).size).toBe(2);
  });

  it('refuses a file that cannot be read and a file without outcomes, naming the file', async () => {
    const missing = join(directory, 'missing.jsonl');
    const empty = await outcomesFile('\n\n');

    await expect(readLlmOutcomes(missing)).rejects.toThrow(`cannot read outcomes file ${missing}: ENOENT`);
    await expect(readLlmOutcomes(empty)).rejects.toThrow(`outcomes file ${empty} records no outcome`);
  });
});
