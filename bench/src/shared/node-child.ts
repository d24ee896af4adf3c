import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Time a child gets between SIGTERM and SIGKILL; the services drain in well under this. */
const STOP_GRACE_MS = 10_000;

/** A Node.js child process started by the bench. */
export interface NodeChild {
  readonly name: string;
  /** Process id; 0 if the process could not be started (then `exited` says why). */
  readonly pid: number;
  /** Resolves with a one-line description of how the process ended. Never rejects. */
  readonly exited: Promise<string>;
  /** Resolves with the first IPC message the child sends (children started with `ipc: true`). */
  readonly firstMessage: Promise<unknown>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process exited. Idempotent. */
  stop(): Promise<void>;
}

/** Options for {@link startNodeChild}. */
export interface NodeChildOptions {
  /** Variables added to this process's environment. */
  readonly environment?: Record<string, string>;
  /** Opens an IPC channel, for children that report readiness with process.send(). */
  readonly ipc?: boolean;
}

const living = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort if the bench dies without cleaning up: 'exit' handlers may only do synchronous work. */
function killLivingOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of living) child.kill('SIGKILL');
  });
}

/** Copies a child's output to our stderr, one prefixed line at a time, so warnings stay readable. */
function forwardLines(stream: Readable | null, name: string): void {
  if (stream === null) return;
  createInterface({ input: stream }).on('line', (line) => process.stderr.write(`[${name}] ${line}\n`));
}

/**
 * Starts `node <script>` with the given environment. Its stdout and stderr are forwarded to our
 * stderr with a `[name]` prefix; it is killed if this process exits first.
 */
export function startNodeChild(name: string, script: string, options: NodeChildOptions = {}): NodeChild {
  killLivingOnExit();
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...options.environment },
    stdio: options.ipc === true ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  living.add(child);
  forwardLines(child.stdout, name);
  forwardLines(child.stderr, name);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      living.delete(child);
      resolve(signal === null ? `exit code ${code}` : `signal ${signal}`);
    });
    child.once('error', (error) => {
      living.delete(child);
      resolve(`failed to start: ${error.message}`);
    });
  });
  const firstMessage = new Promise<unknown>((resolve, reject) => {
    child.once('message', resolve);
    void exited.then((how) => reject(new Error(`${name} ended before it was ready (${how})`)));
  });
  // Without a listener, a child that dies before anyone awaits firstMessage would be an unhandled rejection.
  firstMessage.catch(() => undefined);
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    if (!living.has(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  return { name, pid: child.pid ?? 0, exited, firstMessage, stop: () => (stopping ??= stop()) };
}
