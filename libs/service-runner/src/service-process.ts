import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A Switchboard service running as a child process, its output going to a log file. */
export interface ServiceProcess {
  readonly name: string;
  readonly logFile: string;
  /** Resolves when the process exits, with its exit code (null when killed by a signal or never started). */
  readonly exited: Promise<number | null>;
  /** Sends SIGTERM (the service drains), then SIGKILL after `graceMs`. Resolves once it exited. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Starts the compiled entry point `main.js` beside a service package's resolved entry, with
 * `environment` over this process's own, appending its (pino JSON) output to `<logDirectory>/<name>.log`.
 * @param packageEntryUrl `import.meta.resolve('<package>')` evaluated by the caller: only the package
 *   that depends on a service can resolve it, this library cannot.
 */
export function startServiceProcess(
  name: string,
  packageEntryUrl: string,
  environment: Readonly<Record<string, string>>,
  logDirectory: string,
): ServiceProcess {
  const logFile = join(logDirectory, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [fileURLToPath(new URL('./main.js', packageEntryUrl))], {
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Two streams feed one file: neither may end it, or the other's last lines fail with "write after end".
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => {
    let settled = false;
    const settle = (code: number | null, lastLine = ''): void => {
      if (settled) return;
      settled = true;
      log.end(lastLine);
      resolve(code);
    };
    // 'close' comes after 'exit' once both pipes are drained, so the log holds the last lines.
    child.once('close', (code) => settle(code));
    // A process that could not be spawned emits 'error' and never closes.
    child.once('error', (error) => settle(null, `could not start ${name}: ${error.message}\n`));
  });
  return {
    name,
    logFile,
    exited,
    async stop(graceMs) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    },
  };
}
