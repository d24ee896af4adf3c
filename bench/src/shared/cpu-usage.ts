import { readFileSync } from 'node:fs';

/** Linux reports /proc times in USER_HZ ticks, which is 100 per second on every architecture. */
const MS_PER_TICK = 10;

/** CPU time used so far, in milliseconds: by named processes and by the whole machine. */
export interface CpuSnapshot {
  /** utime + stime of each process, by name; absent when its /proc entry cannot be read. */
  readonly processes: ReadonlyMap<string, number>;
  /** Busy time of all cores together (everything but idle and iowait); undefined without /proc/stat. */
  readonly machineMs: number | undefined;
}

/** A process whose CPU time is accounted to a path. */
export interface WatchedProcess {
  readonly name: string;
  readonly pid: number;
}

function readProcessMs(pid: number): number | undefined {
  try {
    // The command name in parentheses may contain spaces; the fields after it are fixed.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    return Number.isFinite(userTicks + systemTicks) ? (userTicks + systemTicks) * MS_PER_TICK : undefined;
  } catch {
    // Not Linux, or the process is gone: CPU accounting is a diagnostic, the bench runs without it.
    return undefined;
  }
}

function readMachineMs(): number | undefined {
  try {
    const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    return Number.isFinite(total) && total > 0 ? (total - idle) * MS_PER_TICK : undefined;
  } catch {
    // Same as above: no /proc, no machine figure.
    return undefined;
  }
}

/** Reads the CPU time of `processes` and of the machine (Linux /proc; 10 ms resolution). */
export function takeCpuSnapshot(processes: readonly WatchedProcess[]): CpuSnapshot {
  const times = new Map<string, number>();
  for (const { name, pid } of processes) {
    const ms = readProcessMs(pid);
    if (ms !== undefined) times.set(name, ms);
  }
  return { processes: times, machineMs: readMachineMs() };
}

/**
 * The CPU milliseconds each watched process used between two snapshots, plus `rest`: what the
 * machine used besides them (left out without /proc/stat).
 */
export function cpuUsedBetween(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const used = new Map<string, number>();
  let watched = 0;
  for (const [name, ms] of after.processes) {
    const delta = ms - (before.processes.get(name) ?? ms);
    watched += delta;
    used.set(name, delta);
  }
  if (after.machineMs !== undefined && before.machineMs !== undefined) {
    used.set('rest', Math.max(0, after.machineMs - before.machineMs - watched));
  }
  return used;
}
