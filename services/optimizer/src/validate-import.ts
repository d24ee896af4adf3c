import { InvalidArgumentError, previewText } from '@switchboard/errors';
import type { OutcomeRow } from '@switchboard/protocol';
import { toImportedRow } from './imported-row.js';
import type { ImportedRow, ModelOutcome } from './imported-row.js';

/** Rows one ImportOutcomes call may carry; the CLI sends 200 at a time. */
export const MAX_ROWS_PER_CALL = 2_000;

/** What a call's rows come to once checked. */
export interface ValidatedImport {
  /** Rows with at least one outcome of a candidate model. */
  readonly rows: ImportedRow[];
  /** Outcomes of models that are not candidates of the route (and rows left without any). */
  readonly outcomesSkipped: number;
}

/**
 * Checks every row of an ImportOutcomes call and keeps the outcomes of the route's candidates.
 * @throws InvalidArgumentError naming the row (1-based), the model and the value to fix: too many
 *   rows, an empty prompt or model, a model twice in a row, a quality outside [0, 1], a negative or
 *   non-finite cost.
 */
export function validateImport(rows: readonly OutcomeRow[], candidates: readonly string[]): ValidatedImport {
  if (rows.length > MAX_ROWS_PER_CALL)
    throw new InvalidArgumentError(
      `${rows.length} rows in one call; send at most ${MAX_ROWS_PER_CALL} per call and set train on the last`,
    );
  const candidateSet = new Set(candidates);
  const imported: ImportedRow[] = [];
  let outcomesSkipped = 0;
  rows.forEach((row, position) => {
    const where = `row ${position + 1}`;
    if (row.prompt.trim() === '') throw new InvalidArgumentError(`${where}: prompt is empty`);
    const outcomes = new Map<string, ModelOutcome>();
    const seen = new Set<string>();
    for (const outcome of row.outcomes) {
      checkOutcome(where, outcome.model, outcome.quality, outcome.costUsd, seen);
      if (candidateSet.has(outcome.model))
        outcomes.set(outcome.model, { quality: outcome.quality, costUsd: outcome.costUsd });
      else outcomesSkipped += 1;
    }
    if (outcomes.size > 0) imported.push(toImportedRow(row.prompt, outcomes));
  });
  return { rows: imported, outcomesSkipped };
}

function checkOutcome(
  where: string,
  model: string,
  quality: number,
  costUsd: number,
  seen: Set<string>,
): void {
  if (model === '') throw new InvalidArgumentError(`${where}: an outcome has no model name`);
  const named = `${where}, model ${previewText(model)}`;
  if (seen.has(model))
    throw new InvalidArgumentError(`${named}: the model appears twice in the row; keep one outcome`);
  seen.add(model);
  if (!Number.isFinite(quality) || quality < 0 || quality > 1)
    throw new InvalidArgumentError(
      `${named}: quality ${quality} is outside [0, 1]; give e.g. 1 for a correct answer and 0 for a wrong one`,
    );
  if (!Number.isFinite(costUsd) || costUsd < 0)
    throw new InvalidArgumentError(
      `${named}: cost_usd ${costUsd} must be a finite number of US dollars >= 0`,
    );
}
