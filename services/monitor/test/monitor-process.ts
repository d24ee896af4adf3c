import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MONITOR_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const STARTUP_TIMEOUT_MS = 20_000;

/** The monitor as its own process (node dist/main.js), so a test can SIGKILL it. */
export interface MonitorProcess {
  readonly child: ChildProcess;
  /** The gRPC port it reported in its "monitor serving" log line. */
  readonly port: number;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
}

/**
 * Starts `node services/monitor/dist/main.js` with `environment` and resolves once it logs that it
 * serves. @throws Error when it exits or stays silent for 20 s first.
 */
export async function startMonitorProcess(environment: Record<string, string>): Promise<MonitorProcess> {
  const child = spawn(process.execPath, [MONITOR_MAIN], {
    env: { ...process.env, ...environment, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const lines: string[] = [];
    const timer = setTimeout(
      () => reject(new Error('monitor did not start within 20 s')),
      STARTUP_TIMEOUT_MS,
    );
    exited
      .then((code) => reject(new Error(`monitor exited (${code}) before serving:\n${lines.join('\n')}`)))
      .catch(() => undefined);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (lines.length < 50) lines.push(line);
      const entry = parseLogLine(line);
      if (entry?.msg !== 'monitor serving' || typeof entry.port !== 'number') return;
      clearTimeout(timer);
      resolve(entry.port);
    });
  });
  return { child, port, exited };
}

function parseLogLine(line: string): { msg?: string; port?: unknown } | undefined {
  try {
    return JSON.parse(line) as { msg?: string; port?: unknown };
  } catch {
    return undefined; // not a pino line (nothing else should print, but a stray line must not break the test)
  }
}
