import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';

/** What one model did with one prompt, as RouterBench recorded it. */
export interface RecordedOutcome {
  readonly correct: boolean;
  /** US dollars the call cost at RouterBench's prices (input + output tokens). */
  readonly costUsd: number;
}

/** One RouterBench query: the prompt and every model's recorded outcome on it. */
export interface PromptRecord {
  /** e.g. `mbpp.dev.92`. */
  readonly sampleId: string;
  readonly prompt: string;
  /** The source benchmark (`eval_name`): the request type static routing keys on. */
  readonly task: string;
  /** By RouterBench model name (e.g. `gpt-4-1106-preview`). */
  readonly outcomes: ReadonlyMap<string, RecordedOutcome>;
}

const COST_SUFFIX = '|total_cost';
const REQUIRED_COLUMNS = ['sample_id', 'prompt', 'eval_name'];

interface ParsedRow {
  readonly record: Record<string, string>;
  readonly info: { readonly lines: number };
}

/** A correctness or cost cell: empty means missing, counted as 0 (RouterBench leaves a few ARC cells empty). */
function readNumber(text: string | undefined, column: string, where: string): number {
  if (text === undefined || text.trim() === '') return 0;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${where}: ${column} "${text}" is not a number >= 0`);
  return value;
}

/** The models of a header: every column `X` that has a `X|total_cost` column beside it. */
function modelsOf(header: readonly string[], source: string): string[] {
  const columns = new Set(header);
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.has(column));
  const models = header.filter((column) => columns.has(`${column}${COST_SUFFIX}`));
  if (missing.length > 0 || models.length < 2) {
    throw new Error(
      `${source}: not a RouterBench-format file: ${missing.length > 0 ? `missing ${missing.join(', ')}; ` : ''}` +
        `needs at least two model columns, each with a "<model>${COST_SUFFIX}" column (found ${models.length})`,
    );
  }
  return models;
}

/**
 * Parses a RouterBench-format CSV (the per-task files RouterDC published): `sample_id`, `prompt`,
 * `eval_name`, and per model a correctness column and a `<model>|total_cost` column.
 * @param source names the file in error messages.
 * @throws Error naming the file (and line) when it has no model columns or a cell is malformed.
 */
export function parseRouterBench(text: string, source: string): PromptRecord[] {
  let header: string[] = [];
  const rows = parse(text, {
    columns: (names: string[]) => (header = names),
    info: true,
    skip_empty_lines: true,
  }) as ParsedRow[];
  if (header.length === 0) throw new Error(`${source}: empty file`);
  const models = modelsOf(header, source);
  return rows.map(({ record, info }) => {
    const where = `${source}:${info.lines}`;
    const outcomes = new Map<string, RecordedOutcome>();
    for (const model of models) {
      outcomes.set(model, {
        correct: readNumber(record[model], model, where) >= 0.5,
        costUsd: readNumber(record[`${model}${COST_SUFFIX}`], `${model}${COST_SUFFIX}`, where),
      });
    }
    return {
      sampleId: record['sample_id'] ?? '',
      prompt: record['prompt'] ?? '',
      task: record['eval_name'] ?? '',
      outcomes,
    };
  });
}

/**
 * Reads RouterBench-format files. Every file must name the same models.
 * @throws Error when a file cannot be read or parsed, or the files' models differ.
 */
export async function readRouterBench(paths: readonly string[]): Promise<PromptRecord[]> {
  const files = await Promise.all(
    paths.map(async (path) => ({ path, records: parseRouterBench(await readFile(path, 'utf8'), path) })),
  );
  const modelList = (records: readonly PromptRecord[]) =>
    [...(records[0]?.outcomes.keys() ?? [])].sort().join(',');
  const first = files[0];
  for (const file of files) {
    if (
      first !== undefined &&
      file.records.length > 0 &&
      modelList(file.records) !== modelList(first.records)
    ) {
      throw new Error(`${file.path}: its models differ from those of ${first.path}`);
    }
  }
  return files.flatMap((file) => file.records);
}
