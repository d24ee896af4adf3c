import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dieWithParent } from './die-with-parent.js';
import { killOnExit } from './exit-cleanup.js';
import { LocalProcessStartError } from './local-process-start-error.js';
import { createOutputTail } from './output-tail.js';
import { settlesWithin } from './settles-within.js';
import type { Logger } from './logger.js';
import type { ServiceUser } from './service-user.js';

/** Grace between the polite stop signal and SIGKILL. */
const DEFAULT_STOP_GRACE_MS = 5_000;

/** A server process started by this library from a local binary. */
export interface LocalProcess {
  /** Process id of the server. */
  readonly pid: number;
  /** Throwaway directory holding the server's data; {@link LocalProcess.stop} removes it. */
  readonly directory: string;
  /**
   * Sends the server its stop signal, SIGKILL if it is still running after a grace period,
   * then removes its directory. Idempotent: every call returns the same promise.
   */
  stop(): Promise<void>;
}

/** How a child process ended. */
interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options for {@link spawnLocalProcess}. */
interface SpawnLocalProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** Working directory of the child. */
  readonly cwd: string;
  /** Runs once stop() has seen the child exit, e.g. to remove its data directory. */
  readonly onStopped?: () => Promise<void>;
  /** Prefix for forwarded output lines. */
  readonly label: string;
  /** Run the child as this account instead of the current one. */
  readonly user?: ServiceUser;
  /** Variables added to the child's environment (e.g. passwords its config file refers to). */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 'SIGTERM' */
  readonly stopSignal?: NodeJS.Signals;
  /** @default DEFAULT_STOP_GRACE_MS */
  readonly stopGraceMs?: number;
  readonly logger?: Logger;
}

/** A running child plus what its starter needs to decide whether it came up. */
export interface SpawnedProcess {
  readonly pid: number;
  readonly command: string;
  /** Stop signal, SIGKILL after the grace period, then `onStopped`. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when the child has exited. Never rejects. */
  readonly exited: Promise<ProcessExit>;
  /** The exit, once it happened. */
  exit(): ProcessExit | undefined;
  /** The last lines the child wrote; waits briefly for pipes to drain if the child has exited. */
  output(): Promise<string>;
}

function waitForSpawn(child: ChildProcess, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid ?? -1));
    child.once('error', (error) =>
      reject(
        new LocalProcessStartError(`Could not run ${command}: ${error.message}`, {
          command,
          output: '',
          cause: error,
        }),
      ),
    );
  });
}

interface ExitWatch {
  readonly exited: Promise<ProcessExit>;
  readonly closed: Promise<void>;
  exit(): ProcessExit | undefined;
}

function watchExit(child: ChildProcess): ExitWatch {
  let exitState: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitState = { code, signal };
      resolve(exitState);
    });
  });
  // 'close' comes after the pipes have drained, which 'exit' does not wait for.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { exited, closed, exit: () => exitState };
}

function createStop(
  child: ChildProcess,
  watch: ExitWatch,
  options: SpawnLocalProcessOptions,
): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const terminate = async (): Promise<void> => {
    if (watch.exit() === undefined) {
      child.kill(options.stopSignal ?? 'SIGTERM');
      if (!(await settlesWithin(watch.exited, options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS))) {
        child.kill('SIGKILL');
        await watch.exited;
      }
    }
    await options.onStopped?.();
  };
  return () => (stopping ??= terminate());
}

/**
 * Spawns a long-running server, tracks it so it dies with this process, and returns once the
 * operating system has started it (not once it is ready: that is the caller's protocol check).
 * @throws {LocalProcessStartError} when the binary cannot be executed
 */
export async function spawnLocalProcess(options: SpawnLocalProcessOptions): Promise<SpawnedProcess> {
  const { command, user } = options;
  const invocation = dieWithParent({ command, args: options.args });
  const child = spawn(invocation.command, invocation.args, {
    cwd: options.cwd,
    // Its own process group keeps a terminal's Ctrl-C from reaching the server directly, so the
    // parent can stop its clients first and the server last. Only safe when the kernel still
    // kills the server if the parent dies without stopping it.
    detached: invocation.diesWithParent,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
    ...(options.environment === undefined ? {} : { env: { ...process.env, ...options.environment } }),
  });
  const watch = watchExit(child);
  const tail = createOutputTail(options.label, options.logger);
  if (child.stdout !== null) tail.follow(child.stdout);
  if (child.stderr !== null) tail.follow(child.stderr);
  const pid = await waitForSpawn(child, command);
  const untrack = killOnExit(pid);
  // `exited` never rejects, so this chain cannot float an unhandled rejection.
  void watch.exited.then(untrack);
  // A later 'error' (a failed kill) must not crash the host as an unhandled event.
  child.on('error', (error) => options.logger?.(`[${options.label}] ${error.message}`));
  return {
    pid,
    command,
    exited: watch.exited,
    exit: watch.exit,
    output: async () => {
      // Output written just before an early exit may still sit in the pipe.
      if (watch.exit() !== undefined) await settlesWithin(watch.closed, 500);
      return tail.text();
    },
    stop: createStop(child, watch, options),
  };
}
