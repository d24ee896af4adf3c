import { readFile } from 'node:fs/promises';

/** One request of a trace: when it arrived and how many tokens went in and came out. */
export interface TraceArrival {
  /** Milliseconds after the trace's first request. */
  readonly offsetMs: number;
  /** Prompt (context) tokens of the request. */
  readonly promptTokens: number;
  /** Tokens the model generated for it. */
  readonly outputTokens: number;
}

/** One row of a trace file: its time (ms on the file's own clock) and its token counts. */
export interface TraceRow {
  readonly atMs: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
}

const AZURE_HEADER = ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'];

/** `2023-11-16 18:17:03.9799600`: naive (no time zone), up to 7 fraction digits. */
const TIMESTAMP_PATTERN = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;

/** Milliseconds of a naive timestamp, read as UTC: only differences between rows are used. */
function parseTimestampMs(text: string, where: string): number {
  const match = TIMESTAMP_PATTERN.exec(text.trim());
  if (match === null) throw new Error(`${where}: timestamp "${text}" is not YYYY-MM-DD HH:MM:SS.fffffff`);
  const [, date, time, fraction = '0'] = match;
  return Date.parse(`${date}T${time}Z`) + Number(`0.${fraction}`) * 1000;
}

function parseTokenCount(value: unknown, column: string, where: string): number {
  const count = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new Error(`${where}: ${column} ${JSON.stringify(value)} is not a whole number >= 0`);
  }
  return count;
}

/**
 * Parses one CSV of the Azure LLM inference trace 2023 (`TIMESTAMP,ContextTokens,GeneratedTokens`).
 * @param source names the file in error messages.
 * @throws Error naming the file and line when the header or a row is malformed.
 */
export function parseAzureTrace(text: string, source: string): TraceRow[] {
  const [header = '', ...lines] = text.split(/\r?\n/);
  if (header.trim() !== AZURE_HEADER.join(',')) {
    throw new Error(`${source}: expected the header ${AZURE_HEADER.join(',')}, got "${header.trim()}"`);
  }
  return lines.flatMap((line, index) => {
    if (line.trim() === '') return [];
    const where = `${source}:${index + 2}`;
    const [timestamp = '', contextTokens, generatedTokens] = line.split(',');
    return [
      {
        atMs: parseTimestampMs(timestamp, where),
        promptTokens: parseTokenCount(contextTokens, 'ContextTokens', where),
        outputTokens: parseTokenCount(generatedTokens, 'GeneratedTokens', where),
      },
    ];
  });
}

/**
 * Parses a JSON Lines trace, one request per line: `{"timestamp": ms from the start,
 * "input_length": tokens, "output_length": tokens}` — the shape other public LLM traces are
 * published in. Other fields are ignored.
 * @throws Error naming the file and line when a line is not such an object.
 */
export function parseJsonLinesTrace(text: string, source: string): TraceRow[] {
  return text.split(/\r?\n/).flatMap((line, index) => {
    if (line.trim() === '') return [];
    const where = `${source}:${index + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not a JSON object`);
    }
    if (typeof row !== 'object' || row === null) throw new Error(`${where}: not a JSON object`);
    const {
      timestamp,
      input_length: inputLength,
      output_length: outputLength,
    } = row as Record<string, unknown>;
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp < 0) {
      throw new Error(`${where}: timestamp ${JSON.stringify(timestamp)} is not milliseconds >= 0`);
    }
    return [
      {
        atMs: timestamp,
        promptTokens: parseTokenCount(inputLength, 'input_length', where),
        outputTokens: parseTokenCount(outputLength, 'output_length', where),
      },
    ];
  });
}

/** Parses a trace file in whichever of the two formats its first line shows. */
export function parseTrace(text: string, source: string): TraceRow[] {
  return text.trimStart().startsWith('{') ? parseJsonLinesTrace(text, source) : parseAzureTrace(text, source);
}

/**
 * Orders rows by time and turns them into arrivals with offsets from the earliest row. Rows of
 * several files are merged on their timestamps: the `code` and `conv` files were recorded over the
 * same hour, so together they are the two services' combined traffic.
 */
export function toArrivals(rows: readonly TraceRow[]): TraceArrival[] {
  const sorted = [...rows].sort((left, right) => left.atMs - right.atMs);
  const firstMs = sorted[0]?.atMs ?? 0;
  return sorted.map(({ atMs, promptTokens, outputTokens }) => ({
    offsetMs: atMs - firstMs,
    promptTokens,
    outputTokens,
  }));
}

/**
 * Reads and merges the trace files at `paths` (Azure CSV or JSON Lines, see {@link parseTrace}).
 * @throws Error when a file cannot be read or is malformed.
 */
export async function readTraces(paths: readonly string[]): Promise<TraceArrival[]> {
  const files = await Promise.all(paths.map(async (path) => parseTrace(await readFile(path, 'utf8'), path)));
  return toArrivals(files.flat());
}
