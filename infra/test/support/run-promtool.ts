import { spawnSync } from 'node:child_process';

/** What one promtool run printed and how it exited. */
export interface PromtoolResult {
  readonly exitCode: number;
  /** stdout and stderr together, in that order. */
  readonly output: string;
}

const INSTALL_HINT =
  'promtool is not installed: it comes with Prometheus (Debian/Ubuntu: `apt-get install prometheus`; ' +
  'elsewhere the release tarball from prometheus.io). These checks need it and do not skip without it.';

/**
 * Runs `promtool <args>` in `directory`.
 * @throws Error saying how to install promtool when it is not on PATH, so a missing tool fails the
 * test run loudly rather than passing it silently.
 */
export function runPromtool(args: readonly string[], directory: string): PromtoolResult {
  const result = spawnSync('promtool', args, { cwd: directory, encoding: 'utf8' });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? INSTALL_HINT : `promtool failed to start: ${result.error.message}`);
  }
  return { exitCode: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
