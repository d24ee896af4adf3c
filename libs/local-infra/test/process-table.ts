import { readdirSync, readFileSync } from 'node:fs';

interface ProcessEntry {
  readonly pid: number;
  readonly parentPid: number;
  readonly command: string;
  /** Single-letter state; Z is a zombie: dead, waiting for its parent to reap it. */
  readonly state: string;
}

function readEntry(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command sits in parentheses and may itself contain spaces or parentheses.
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return {
      pid,
      parentPid: Number(fields[1]),
      command: stat.slice(open + 1, close),
      state: fields[0] ?? '',
    };
  } catch {
    // The process exited while we were listing; it is not a descendant any more.
    return undefined;
  }
}

/** Lists every live descendant of `rootPid` from /proc (Linux only). */
export function listDescendants(rootPid: number = process.pid): ProcessEntry[] {
  const entries = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => readEntry(Number(name)) ?? [])
    .filter((entry) => entry.state !== 'Z');
  const descendants: ProcessEntry[] = [];
  const parents = new Set([rootPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const entry of entries) {
      if (parents.has(entry.parentPid) && !parents.has(entry.pid)) {
        parents.add(entry.pid);
        descendants.push(entry);
        grew = true;
      }
    }
  }
  return descendants;
}

/**
 * True while a process with this id runs. Zombies count as dead: an orphan is reaped by
 * whatever PID 1 the machine has, which in a container may never do it.
 */
export function isProcessAlive(pid: number): boolean {
  const entry = readEntry(pid);
  return entry !== undefined && entry.state !== 'Z';
}
