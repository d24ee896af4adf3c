import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseTrace } from '../shared/read-trace.js';

/** One request of the replay: when it arrived (ms after the earliest request of all files) and for which model. */
export interface ModelArrival {
  readonly offsetMs: number;
  readonly model: string;
}

/**
 * The model a trace file's requests go to, named after the file: the last `_`-separated part of its
 * name in lowercase (`AzureLLMInferenceTrace_code.csv` → `code`), `[^a-z0-9-]` replaced by `-`.
 */
export function modelNameOf(path: string): string {
  const stem = basename(path, extname(path)).toLowerCase();
  const name = (stem.split('_').at(-1) ?? stem).replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
  return name === '' ? 'model' : name;
}

/**
 * Reads trace files (Azure CSV or JSON Lines, as `pnpm bench replay` does) and gives each file its
 * own model: one file is one service's traffic, with its own bursts. Rows of all files are merged on
 * their timestamps (the Azure files cover the same hour). Names that repeat get `-2`, `-3`, ….
 * @throws Error when a file cannot be read or is malformed, or holds no request.
 */
export async function readModelArrivals(
  paths: readonly string[],
): Promise<{ arrivals: ModelArrival[]; models: string[] }> {
  const models: string[] = [];
  const rows = await Promise.all(
    paths.map(async (path) => {
      let model = modelNameOf(path);
      for (let suffix = 2; models.includes(model); suffix += 1) model = `${modelNameOf(path)}-${suffix}`;
      models.push(model);
      const parsed = parseTrace(await readFile(path, 'utf8'), path);
      if (parsed.length === 0) throw new Error(`${path}: no requests`);
      return parsed.map((row) => ({ atMs: row.atMs, model }));
    }),
  );
  const merged = rows.flat().sort((left, right) => left.atMs - right.atMs);
  const firstMs = merged[0]?.atMs ?? 0;
  return { arrivals: merged.map(({ atMs, model }) => ({ offsetMs: atMs - firstMs, model })), models };
}
