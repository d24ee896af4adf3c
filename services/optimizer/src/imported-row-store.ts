import type { ImportedRow, ModelOutcome } from './imported-row.js';
import type { Queryable } from './open-database.js';

interface ImportedRowRecord {
  prompt_key: string;
  prompt: string;
  prompt_length: number;
  outcomes: Record<string, [number, number]>;
  held_out: boolean;
}

/** What a route's imported rows say about one model. */
export interface ImportedFigures {
  readonly rows: number;
  readonly meanQuality: number;
  readonly meanCostUsd: number;
}

/** Stores rows; a row of the same prompt imported before is replaced (importing a file twice is harmless). */
export async function upsertImportedRows(
  database: Queryable,
  route: string,
  rows: readonly ImportedRow[],
): Promise<void> {
  if (rows.length === 0) return;
  // One row per prompt in a single statement: ON CONFLICT cannot touch the same row twice.
  const byKey = new Map(rows.map((row) => [row.promptKey, row]));
  const records = [...byKey.values()].map((row) => ({
    route,
    prompt_key: row.promptKey,
    prompt: row.prompt,
    prompt_length: row.promptLength,
    outcomes: database.json(
      Object.fromEntries(
        [...row.outcomes].map(([model, outcome]) => [model, [outcome.quality, outcome.costUsd]]),
      ),
    ),
    held_out: row.heldOut,
  }));
  await database`
    insert into optimizer_imported_rows ${database(records)}
    on conflict (route, prompt_key) do update set
      prompt = excluded.prompt, prompt_length = excluded.prompt_length, outcomes = excluded.outcomes,
      held_out = excluded.held_out, imported_at = now()`;
}

/** The route's imported rows, training rows or held-out rows, newest first, at most `limit`. */
export async function readImportedRows(
  database: Queryable,
  route: string,
  heldOut: boolean,
  limit: number,
): Promise<ImportedRow[]> {
  const records = await database<ImportedRowRecord[]>`
    select prompt_key, prompt, prompt_length, outcomes, held_out from optimizer_imported_rows
    where route = ${route} and held_out = ${heldOut} order by id desc limit ${limit}`;
  return records.map((record) => ({
    promptKey: record.prompt_key,
    prompt: record.prompt,
    promptLength: record.prompt_length,
    heldOut: record.held_out,
    outcomes: new Map<string, ModelOutcome>(
      Object.entries(record.outcomes).map(([model, [quality, costUsd]]) => [model, { quality, costUsd }]),
    ),
  }));
}

/** Per model, how many imported rows of the route have its outcome, and their mean quality and cost. */
export async function readImportedFigures(
  database: Queryable,
  route: string,
): Promise<Map<string, ImportedFigures>> {
  const rows = await database<{ model: string; rows: number; mean_quality: number; mean_cost_usd: number }[]>`
    select outcome.key as model, count(*)::int8 as rows,
      avg((outcome.value->>0)::float8) as mean_quality, avg((outcome.value->>1)::float8) as mean_cost_usd
    from optimizer_imported_rows, jsonb_each(outcomes) as outcome
    where route = ${route}
    group by outcome.key`;
  return new Map(
    rows.map((row) => [
      row.model,
      { rows: row.rows, meanQuality: Number(row.mean_quality), meanCostUsd: Number(row.mean_cost_usd) },
    ]),
  );
}

/** Deletes all but the newest `keep` imported rows of the route. */
export async function pruneImportedRows(database: Queryable, route: string, keep: number): Promise<void> {
  await database`
    delete from optimizer_imported_rows where route = ${route} and id <= (
      select id from optimizer_imported_rows where route = ${route} order by id desc offset ${keep} limit 1)`;
}
