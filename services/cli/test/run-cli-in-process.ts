import type { CliIo } from '../src/command-context.js';
import { run } from '../src/main.js';

/** What one run of the CLI returned and printed. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `switchboard <argv>` in-process with `env` as its whole environment, capturing its output. */
export async function runCliInProcess(argv: readonly string[], env: CliIo['env']): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}
