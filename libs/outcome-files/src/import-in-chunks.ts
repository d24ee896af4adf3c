import type { ImportOutcomesResponse, OutcomeRow } from '@switchboard/protocol';

/** One ImportOutcomes call, as {@link importInChunks} makes it. */
export interface ImportChunk {
  readonly route: string;
  readonly rows: OutcomeRow[];
  readonly train: boolean;
}

/** What to import and how. */
export interface ImportOptions {
  readonly route: string;
  /** Rows per ImportOutcomes call. */
  readonly chunkRows: number;
  /** Ask the optimizer to train and publish with the last chunk. */
  readonly train: boolean;
  /** Makes one ImportOutcomes call (the optimizer client, with a deadline). */
  readonly send: (chunk: ImportChunk) => Promise<ImportOutcomesResponse>;
  /** Receives a line per chunk sent (and one before the training chunk), e.g. for stderr. */
  readonly progress: (line: string) => void;
}

/** The sum of every chunk's answer; the policy fields come from the last (training) one. */
export interface ImportSummary {
  readonly rowsStored: bigint;
  readonly outcomesSkipped: bigint;
  /** The version published by training; 0 when nothing was published (see `refusal`) or not trained. */
  readonly policyVersion: bigint;
  readonly refusal: string;
}

/**
 * Sends `rows` in chunks of `chunkRows`, one call at a time (a failed call stops the import: the
 * chunks before it are stored, and importing them again stores them again), with `train` set on
 * the last chunk only, so the optimizer trains once on everything.
 * @throws whatever `send` throws (a gRPC status from the optimizer).
 */
export async function importInChunks(
  rows: readonly OutcomeRow[],
  options: ImportOptions,
): Promise<ImportSummary> {
  let rowsStored = 0n;
  let outcomesSkipped = 0n;
  let last: ImportOutcomesResponse | undefined;
  for (let start = 0; start < rows.length; start += options.chunkRows) {
    const end = Math.min(rows.length, start + options.chunkRows);
    const train = options.train && end === rows.length;
    if (train) options.progress(`sending rows ${start + 1}–${end} of ${rows.length} and training…`);
    last = await options.send({ route: options.route, rows: rows.slice(start, end), train });
    rowsStored += last.rowsStored;
    outcomesSkipped += last.outcomesSkipped;
    options.progress(`stored ${end}/${rows.length} rows`);
  }
  return {
    rowsStored,
    outcomesSkipped,
    policyVersion: last?.policyVersion ?? 0n,
    refusal: last?.refusal ?? '',
  };
}
