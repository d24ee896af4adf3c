import { findBinary } from './find-binary.js';

/** A program and its arguments, as handed to spawn(). */
export interface Invocation {
  readonly command: string;
  readonly args: readonly string[];
}

let setprivPath: string | null | undefined;

function findSetpriv(): string | undefined {
  // setpriv ships with util-linux on every mainstream Linux distribution; elsewhere there is no PDEATHSIG.
  setprivPath ??= process.platform === 'linux' ? (findBinary('setpriv') ?? null) : null;
  return setprivPath ?? undefined;
}

/**
 * Wraps an invocation in `setpriv --pdeathsig KILL` so the kernel kills the server when this
 * process dies, however it dies. An 'exit' handler alone is not enough: it does not run when
 * the process is killed by a signal, which is how vitest ends its fork workers (SIGTERM).
 * setpriv execs the server in place, so the pid stays the server's. Without setpriv the
 * invocation is returned unchanged and only the 'exit' handler protects against leaks.
 */
export function dieWithParent(invocation: Invocation): Invocation {
  const setpriv = findSetpriv();
  if (setpriv === undefined) return invocation;
  return { command: setpriv, args: ['--pdeathsig', 'KILL', '--', invocation.command, ...invocation.args] };
}
