import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A Switchboard service running as a child process, its output going to a log file. */
export interface ServiceProcess {
  readonly name: string;
  /** Process id; 0 when the process could not be started. */
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process exits, with its exit code (null when killed by a signal or never started). */
  readonly exited: Promise<number | null>;
  /** Sends SIGTERM (the service drains), then SIGKILL after `graceMs`. Resolves once it exited. */
  stop(graceMs: number): Promise<void>;
  /**
   * Sends `signal` if the process still runs, e.g. SIGKILL, SIGSTOP or SIGCONT for fault injection.
   * @returns whether it was sent
   */
  signal(signal: NodeJS.Signals): boolean;
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
  // The child writes to the file itself: its log needs no relay through this process and survives it.
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [fileURLToPath(new URL('./main.js', packageEntryUrl))], {
      env: { ...process.env, ...environment },
      // The IPC channel is never used for messages: its closing tells runService in the child that this
      // process is gone, so the service stops instead of running on orphaned.
      stdio: ['ignore', log, log, 'ipc'],
    });
    // Nor does it keep this process alive.
    child.channel?.unref();
  } finally {
    closeSync(log);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    // A process that could not be spawned emits 'error' and never exits.
    child.once('error', (error) => {
      appendFileSync(logFile, `could not start ${name}: ${error.message}\n`);
      resolve(null);
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  return {
    name,
    pid: child.pid ?? 0,
    logFile,
    exited,
    signal: (signal) => running() && child.kill(signal),
    async stop(graceMs) {
      if (running()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    },
  };
}
