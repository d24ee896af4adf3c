import { createHash } from 'node:crypto';
import type { OutcomeRecord } from '@switchboard/outcome-files';

/** Training rows and held-out test rows. */
export interface PromptSplit {
  readonly train: OutcomeRecord[];
  readonly test: OutcomeRecord[];
}

/**
 * A number in [0, 1) drawn from the SHA-256 of the seed and the prompt: the same prompt lands on
 * the same side of a split in every run with that seed, whatever file or row order it comes in.
 */
export function promptHashShare(prompt: string, seed: number): number {
  const digest = createHash('sha256').update(`${seed}:${prompt}`, 'utf8').digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** Holds out the rows whose prompt hash falls below `share`; the rest train. */
export function splitByPromptHash(
  records: readonly OutcomeRecord[],
  share: number,
  seed: number,
): PromptSplit {
  const train: OutcomeRecord[] = [];
  const test: OutcomeRecord[] = [];
  for (const record of records) (promptHashShare(record.prompt, seed) < share ? test : train).push(record);
  return { train, test };
}

/** Given test files: every training row whose prompt is also a test prompt is dropped, so tests stay held out. */
export function holdOutTestPrompts(
  train: readonly OutcomeRecord[],
  test: readonly OutcomeRecord[],
): PromptSplit {
  const testPrompts = new Set(test.map((record) => record.prompt));
  return { train: train.filter((record) => !testPrompts.has(record.prompt)), test: [...test] };
}
