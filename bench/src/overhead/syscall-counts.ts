import { readFileSync } from 'node:fs';
import type { WatchedProcess } from '../shared/cpu-usage.js';

/** Read and write system calls (sockets included) a process made so far. */
interface SyscallCount {
  readonly reads: number;
  readonly writes: number;
}

/** Read and write system calls so far, by process name; a process whose /proc entry cannot be read is left out. */
export type SyscallSnapshot = ReadonlyMap<string, SyscallCount>;

function readSyscalls(pid: number): SyscallCount | undefined {
  try {
    const fields = new Map(
      readFileSync(`/proc/${pid}/io`, 'utf8')
        .split('\n')
        .map((line) => line.split(': ') as [string, string]),
    );
    const reads = Number(fields.get('syscr'));
    const writes = Number(fields.get('syscw'));
    return Number.isFinite(reads + writes) ? { reads, writes } : undefined;
  } catch {
    // Not Linux, or not allowed to read another user's process: a diagnostic, the bench runs without it.
    return undefined;
  }
}

/** Reads how many read and write system calls each of `processes` made (Linux /proc/<pid>/io). */
export function takeSyscallSnapshot(processes: readonly WatchedProcess[]): SyscallSnapshot {
  const counts = new Map<string, SyscallCount>();
  for (const { name, pid } of processes) {
    const count = readSyscalls(pid);
    if (count !== undefined) counts.set(name, count);
  }
  return counts;
}

/** The calls each process made between two snapshots, by name. */
export function syscallsBetween(before: SyscallSnapshot, after: SyscallSnapshot): Map<string, SyscallCount> {
  const used = new Map<string, SyscallCount>();
  for (const [name, end] of after) {
    const start = before.get(name);
    if (start !== undefined)
      used.set(name, { reads: end.reads - start.reads, writes: end.writes - start.writes });
  }
  return used;
}
