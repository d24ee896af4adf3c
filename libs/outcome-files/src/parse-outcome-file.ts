import { CsvError, parse } from 'csv-parse/sync';
import { OutcomeFileError } from './outcome-file-error.js';

/** What one model did with one prompt, as the file records it. */
export interface RecordedOutcome {
  /** In [0, 1]: RouterBench records 1 for a correct answer and 0 for a wrong one. */
  readonly quality: number;
  /** US dollars the call cost. */
  readonly costUsd: number;
}

/** One row of an outcome file: a prompt and every model's recorded outcome on it. */
export interface OutcomeRecord {
  /** 1-based line of the file where the row starts. */
  readonly line: number;
  /** `sample_id`, e.g. `mbpp.dev.92`; empty when the file has no such column. */
  readonly sampleId: string;
  readonly prompt: string;
  /** The source benchmark (`eval_name`); empty when the file has no such column. */
  readonly task: string;
  /** By model name as the file's header spells it (e.g. `mistralai/mistral-7b-chat`). */
  readonly outcomes: ReadonlyMap<string, RecordedOutcome>;
}

/** A parsed outcome file. */
export interface OutcomeFile {
  readonly source: string;
  /** The model names of the header, in header order. */
  readonly models: readonly string[];
  readonly records: readonly OutcomeRecord[];
}

/** A field and the line it ends on. */
interface Cell {
  readonly text: string;
  readonly line: number;
}

interface ModelColumns {
  readonly name: string;
  readonly quality: number;
  readonly cost: number;
}

interface Layout {
  readonly header: readonly string[];
  readonly prompt: number;
  readonly sampleId: number;
  readonly task: number;
  readonly models: readonly ModelColumns[];
}

const COST_SUFFIX = '|total_cost';

/** Parses CSV text into rows of cells, each remembering its line; CSV syntax errors name their line. */
function parseCells(text: string, source: string): Cell[][] {
  try {
    return parse(text, {
      bom: true,
      skip_empty_lines: true,
      cast: (value, context): Cell => ({ text: value, line: context.lines }),
    }) as unknown as Cell[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error['lines'] === 'number' ? (error['lines'] as number) : undefined;
    throw new OutcomeFileError(`malformed CSV: ${error.message}`, { file: source, line }, { cause: error });
  }
}

/**
 * The columns of a header: `prompt`, optionally `sample_id` and `eval_name`, and every model `X`
 * with a correctness column `X` and a cost column `X|total_cost`. Other columns are ignored.
 */
function readLayout(header: readonly string[], source: string): Layout {
  const where = (column: number) => ({
    file: source,
    line: 1,
    column: column + 1,
    columnName: header[column],
  });
  header.forEach((name, column) => {
    if (name !== '' && header.indexOf(name) !== column)
      throw new OutcomeFileError(`repeats column "${name}"`, where(column));
  });
  const models: ModelColumns[] = [];
  header.forEach((name, cost) => {
    if (!name.endsWith(COST_SUFFIX)) return;
    const model = name.slice(0, -COST_SUFFIX.length);
    const quality = header.indexOf(model);
    if (model === '' || quality < 0)
      throw new OutcomeFileError(`has no correctness column "${model}" beside it`, where(cost));
    models.push({ name: model, quality, cost });
  });
  const prompt = header.indexOf('prompt');
  if (prompt < 0 || models.length === 0) {
    const missing = [
      prompt < 0 ? 'a "prompt" column' : '',
      models.length === 0
        ? `a correctness column "<model>" and a cost column "<model>${COST_SUFFIX}" per model`
        : '',
    ].filter((part) => part !== '');
    throw new OutcomeFileError(`not an outcome file in RouterBench format: needs ${missing.join(' and ')}`, {
      file: source,
      line: 1,
    });
  }
  models.sort((left, right) => left.quality - right.quality);
  return { header, prompt, sampleId: header.indexOf('sample_id'), task: header.indexOf('eval_name'), models };
}

/**
 * Reads a number cell: empty means missing and counts as 0 (RouterBench leaves a few cells empty).
 * @throws OutcomeFileError naming the cell when it is not a number in [0, max].
 */
function readNumber(
  row: readonly Cell[],
  column: number,
  max: number,
  layout: Layout,
  source: string,
): number {
  const cell = row[column] as Cell;
  const text = cell.text.trim();
  if (text === '') return 0;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > max) {
    const range = max === Infinity ? 'a number >= 0' : `a number in [0, ${max}]`;
    throw new OutcomeFileError(`"${cell.text}" is not ${range}`, {
      file: source,
      line: cell.line,
      column: column + 1,
      columnName: layout.header[column],
    });
  }
  return value;
}

function readRecord(row: readonly Cell[], layout: Layout, source: string): OutcomeRecord {
  const text = (column: number) => (column < 0 ? '' : (row[column]?.text ?? ''));
  const line = row[0]?.line ?? 0;
  const prompt = text(layout.prompt);
  if (prompt === '') {
    throw new OutcomeFileError('the prompt is empty', {
      file: source,
      line: row[layout.prompt]?.line ?? line,
      column: layout.prompt + 1,
      columnName: 'prompt',
    });
  }
  const outcomes = new Map<string, RecordedOutcome>();
  for (const model of layout.models) {
    outcomes.set(model.name, {
      quality: readNumber(row, model.quality, 1, layout, source),
      costUsd: readNumber(row, model.cost, Infinity, layout, source),
    });
  }
  return { line, sampleId: text(layout.sampleId), prompt, task: text(layout.task), outcomes };
}

/**
 * Parses an outcome file in RouterBench format (the per-task CSVs RouterDC published): a `prompt`
 * column, per model a correctness column (in [0, 1]) and a `<model>|total_cost` column (US dollars),
 * optionally `sample_id` and `eval_name`; other columns are ignored. An empty number cell counts as 0.
 * @param source names the file in error messages.
 * @throws OutcomeFileError naming the file, line and column when the CSV is malformed, the header
 *   lacks the prompt or model columns, a prompt is empty or a number cell is malformed.
 */
export function parseOutcomeFile(text: string, source: string): OutcomeFile {
  const [header, ...rows] = parseCells(text, source);
  if (header === undefined) throw new OutcomeFileError('is empty', { file: source });
  const layout = readLayout(
    header.map((cell) => cell.text),
    source,
  );
  return {
    source,
    models: layout.models.map((model) => model.name),
    records: rows.map((row) => readRecord(row, layout, source)),
  };
}
