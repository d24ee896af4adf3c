import { findBinary } from './find-binary.js';

/** A program and its arguments, as handed to spawn(). */
interface Invocation {
  readonly command: string;
  readonly args: readonly string[];
}

/** An invocation plus whether the kernel will kill it when this process dies. */
interface GuardedInvocation extends Invocation {
  readonly diesWithParent: boolean;
}

let setprivPath: string | null | undefined;

function findSetpriv(): string | undefined {
  // setpriv comes with util-linux on current Debian, Ubuntu and Fedora; where it is missing
  // (busybox systems, macOS) the 'exit' handler is the only guard.
  setprivPath ??= process.platform === 'linux' ? (findBinary('setpriv') ?? null) : null;
  return setprivPath ?? undefined;
}

/**
 * Wraps an invocation in `setpriv --pdeathsig KILL` so the kernel kills the server when this
 * process dies, however it dies. An 'exit' handler alone is not enough: it does not run when
 * the process is killed by a signal, which is how vitest ends its fork workers (SIGTERM).
 * setpriv execs the server in place, so the pid stays the server's. The kernel ties the
 * signal to the spawning thread: a server started from a worker thread dies with that thread.
 * Without setpriv the invocation is returned unchanged and only the 'exit' handler protects.
 */
export function dieWithParent(invocation: Invocation): GuardedInvocation {
  const setpriv = findSetpriv();
  if (setpriv === undefined) return { ...invocation, diesWithParent: false };
  return {
    command: setpriv,
    args: ['--pdeathsig', 'KILL', '--', invocation.command, ...invocation.args],
    diesWithParent: true,
  };
}
