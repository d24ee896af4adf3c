import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CleanupStack } from './cleanup-stack.js';

/** A whole benchmark run's output directory and the results.json it wrote there. */
export interface WholeBenchRun<Results> {
  readonly out: string;
  readonly results: Results;
}

/**
 * Runs one benchmark whole, as `pnpm bench <name> --out DIR` does, into a fresh temporary directory,
 * then reads the results.json it wrote. `run` gets the directory (for its `--out` flag) and the
 * cleanup stack, which is run however the benchmark ends. For the end-to-end tests of the harnesses.
 * @param label the directory name's prefix, e.g. `replay-test-`
 */
export async function runWholeBench<Results>(
  label: string,
  run: (out: string, cleanup: CleanupStack) => Promise<void>,
): Promise<WholeBenchRun<Results>> {
  const out = await mkdtemp(join(tmpdir(), label));
  const cleanup = new CleanupStack();
  try {
    await run(out, cleanup);
  } finally {
    await cleanup.run();
  }
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as Results;
  return { out, results };
}

/** Removes a run's output directory; nothing when the run never started. */
export async function removeWholeBenchOutput(out: string | undefined): Promise<void> {
  if (out !== undefined) await rm(out, { recursive: true, force: true });
}
