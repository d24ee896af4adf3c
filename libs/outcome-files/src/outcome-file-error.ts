import { InvalidArgumentError } from '@switchboard/errors';

/** Where in an outcome file a problem was found. */
export interface OutcomeFileLocation {
  /** The path (or name) the file was read as. */
  readonly file: string;
  /** 1-based line of the file; undefined when the problem concerns the whole file. */
  readonly line?: number;
  /** 1-based column (field) position. */
  readonly column?: number;
  /** The column's name in the header, when it has one. */
  readonly columnName?: string;
}

function describeLocation(location: OutcomeFileLocation): string {
  const line = location.line === undefined ? '' : `:${location.line}`;
  const column =
    location.column === undefined
      ? ''
      : `: column ${location.column}${location.columnName ? ` (${location.columnName})` : ''}`;
  return `${location.file}${line}${column}`;
}

/**
 * Thrown when an outcome file cannot be read or is not in RouterBench format: no `prompt` column,
 * no model columns, a malformed cell or malformed CSV. The message starts with the file, the line
 * and the column, e.g. `outcomes.csv:3: column 6 (gpt-4): "yes" is not a number in [0, 1]`.
 */
export class OutcomeFileError extends InvalidArgumentError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(problem: string, location: OutcomeFileLocation, options: { cause?: unknown } = {}) {
    super(`${describeLocation(location)}: ${problem}`, options);
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
  }
}
