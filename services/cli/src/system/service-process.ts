import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A Switchboard service running as a child process, its output going to a log file. */
export interface ServiceProcess {
  readonly name: string;
  readonly logFile: string;
  /** Resolves when the process exits, with its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Sends SIGTERM (the service drains), then SIGKILL after `graceMs`. Resolves once it exited. */
  stop(graceMs: number): Promise<void>;
}

/** The compiled entry point of a service package, found through Node's own module resolution. */
function mainOf(packageName: string): string {
  return fileURLToPath(new URL('./main.js', import.meta.resolve(packageName)));
}

/**
 * Starts `node <package>/dist/main.js` with `environment`, writing its (pino JSON) output to
 * `<logDirectory>/<name>.log`.
 */
export function startServiceProcess(
  name: string,
  packageName: string,
  environment: Record<string, string>,
  logDirectory: string,
): ServiceProcess {
  const logFile = join(logDirectory, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, [mainOf(packageName)], {
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    logFile,
    exited,
    async stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
