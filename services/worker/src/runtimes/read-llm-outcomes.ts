import { readFile } from 'node:fs/promises';
import { FailedPreconditionError } from '@switchboard/errors';

/** What a model answered to one prompt when the benchmark's data was recorded. */
export interface LlmOutcome {
  /** 1 when the recorded answer was right, 0 when it was wrong. */
  readonly correct: number;
  /** What the recorded call cost, US dollars. */
  readonly costUsd: number;
}

const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

/** One line read: a prompt's outcome, or what is wrong with the line. */
type OutcomeLine = { promptSha256: string; outcome: LlmOutcome } | { problem: string };

function parseOutcomeLine(line: string): OutcomeLine {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    // The parser's message points into the line, which the caller already names by number.
    return { problem: 'is not JSON' };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { problem: 'is not a JSON object' };
  }
  const { prompt_sha256: promptSha256, correct, cost_usd: costUsd } = record as Record<string, unknown>;
  if (typeof promptSha256 !== 'string' || !SHA256_HEX_PATTERN.test(promptSha256)) {
    return {
      problem: 'needs "prompt_sha256": 64 lowercase hex characters (the SHA-256 of the UTF-8 prompt)',
    };
  }
  if (correct !== 0 && correct !== 1) {
    return { problem: `needs "correct": 0 or 1, got ${JSON.stringify(correct)}` };
  }
  if (typeof costUsd !== 'number' || costUsd < 0) {
    return { problem: `needs "cost_usd": a number >= 0, got ${JSON.stringify(costUsd)}` };
  }
  return { promptSha256, outcome: { correct, costUsd } };
}

/**
 * Reads a JSON Lines file of recorded outcomes, one object per line:
 * `{"prompt_sha256":"<64 lowercase hex>","correct":1,"cost_usd":0.00042}`. Other fields are ignored,
 * blank lines skipped. A prompt may appear again only with the same outcome.
 * @returns the outcomes keyed by prompt_sha256.
 * @throws FailedPreconditionError naming the file when it cannot be read or records no outcome, and
 *   the file and the line number when a line is malformed or contradicts an earlier one.
 */
export async function readLlmOutcomes(path: string): Promise<Map<string, LlmOutcome>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FailedPreconditionError(`cannot read outcomes file ${path}: ${reason}`, { cause: error });
  }
  const outcomes = new Map<string, LlmOutcome>();
  const firstLineNumbers = new Map<string, number>();
  text.split('\n').forEach((line, index) => {
    const lineNumber = index + 1;
    if (line.trim() === '') return;
    const parsed = parseOutcomeLine(line);
    if ('problem' in parsed) {
      throw new FailedPreconditionError(`outcomes file ${path} line ${lineNumber} ${parsed.problem}`);
    }
    const { promptSha256, outcome } = parsed;
    const earlier = outcomes.get(promptSha256);
    if (earlier === undefined) {
      outcomes.set(promptSha256, outcome);
      firstLineNumbers.set(promptSha256, lineNumber);
    } else if (earlier.correct !== outcome.correct || earlier.costUsd !== outcome.costUsd) {
      throw new FailedPreconditionError(
        `outcomes file ${path} line ${lineNumber} records prompt ${promptSha256} with another outcome ` +
          `than line ${firstLineNumbers.get(promptSha256)}`,
      );
    }
  });
  if (outcomes.size === 0) throw new FailedPreconditionError(`outcomes file ${path} records no outcome`);
  return outcomes;
}
