import { readFile } from 'node:fs/promises';

/** One request of a trace: when it arrived and how long its prompt was. */
export interface TraceArrival {
  /** Milliseconds after the trace's first request. */
  readonly offsetMs: number;
  /** Prompt (context) tokens of the request. */
  readonly promptTokens: number;
}

const HEADER = ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'];
/** One CSV row: when the request arrived (naive time read as UTC) and its prompt tokens. */
export interface TraceRow {
  readonly atMs: number;
  readonly promptTokens: number;
}

/** `2023-11-16 18:17:03.9799600`: naive (no time zone), up to 7 fraction digits. */
const TIMESTAMP_PATTERN = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;

/** Milliseconds of a naive timestamp, read as UTC: only differences between rows are used. */
function parseTimestampMs(text: string, where: string): number {
  const match = TIMESTAMP_PATTERN.exec(text.trim());
  if (match === null) throw new Error(`${where}: timestamp "${text}" is not YYYY-MM-DD HH:MM:SS.fffffff`);
  const [, date, time, fraction = '0'] = match;
  return Date.parse(`${date}T${time}Z`) + Number(`0.${fraction}`) * 1000;
}

/**
 * Parses one CSV of the Azure LLM inference trace 2023 (`TIMESTAMP,ContextTokens,GeneratedTokens`).
 * Generated tokens are not kept: the router sizes a request by its input.
 * @param source names the file in error messages.
 * @throws Error naming the file and line when the header or a row is malformed.
 */
export function parseAzureTrace(text: string, source: string): TraceRow[] {
  const [header = '', ...lines] = text.split(/\r?\n/);
  if (header.trim() !== HEADER.join(',')) {
    throw new Error(`${source}: expected the header ${HEADER.join(',')}, got "${header.trim()}"`);
  }
  return lines.flatMap((line, index) => {
    if (line.trim() === '') return [];
    const where = `${source}:${index + 2}`;
    const [timestamp = '', contextTokens = ''] = line.split(',');
    const promptTokens = Number(contextTokens);
    if (!Number.isInteger(promptTokens) || promptTokens < 0) {
      throw new Error(`${where}: ContextTokens "${contextTokens}" is not a whole number`);
    }
    return [{ atMs: parseTimestampMs(timestamp, where), promptTokens }];
  });
}

/**
 * Orders rows by time and turns them into arrivals with offsets from the earliest row. Rows of
 * several files are merged on their timestamps: the `code` and `conv` files were recorded over the
 * same hour, so together they are the two services' combined traffic.
 */
export function toArrivals(rows: readonly TraceRow[]): TraceArrival[] {
  const sorted = [...rows].sort((left, right) => left.atMs - right.atMs);
  const firstMs = sorted[0]?.atMs ?? 0;
  return sorted.map(({ atMs, promptTokens }) => ({ offsetMs: atMs - firstMs, promptTokens }));
}

/**
 * Reads and merges the trace files at `paths`.
 * @throws Error when a file cannot be read or is malformed (see {@link parseAzureTrace}).
 */
export async function readTraces(paths: readonly string[]): Promise<TraceArrival[]> {
  const files = await Promise.all(
    paths.map(async (path) => parseAzureTrace(await readFile(path, 'utf8'), path)),
  );
  return toArrivals(files.flat());
}
