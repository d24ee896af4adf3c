import { readFile } from 'node:fs/promises';
import { OutcomeFileError } from './outcome-file-error.js';
import { parseOutcomeFile } from './parse-outcome-file.js';
import type { OutcomeFile, OutcomeRecord } from './parse-outcome-file.js';

/**
 * Reads and parses one outcome file in RouterBench format (see parseOutcomeFile).
 * @throws OutcomeFileError naming the file when it cannot be read, and its line and column when it
 *   is malformed.
 */
export async function readOutcomeFile(path: string): Promise<OutcomeFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OutcomeFileError(`cannot be read: ${reason}`, { file: path }, { cause: error });
  }
  return parseOutcomeFile(text, path);
}

/**
 * Reads several outcome files that record the same models (in any column order) and returns their
 * rows in file order.
 * @throws OutcomeFileError when a file cannot be read or parsed, or names other models than the first.
 */
export async function readOutcomeFiles(paths: readonly string[]): Promise<OutcomeRecord[]> {
  const files = await Promise.all(paths.map(readOutcomeFile));
  const modelsOf = (file: OutcomeFile) => [...file.models].sort().join(', ');
  const [first] = files;
  for (const file of files) {
    if (first !== undefined && modelsOf(file) !== modelsOf(first)) {
      throw new OutcomeFileError(
        `its models (${modelsOf(file)}) differ from those of ${first.source} (${modelsOf(first)})`,
        { file: file.source, line: 1 },
      );
    }
  }
  return files.flatMap((file) => file.records);
}
