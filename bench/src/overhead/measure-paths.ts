import { setTimeout as sleep } from 'node:timers/promises';
import { cpuUsedBetween, takeCpuSnapshot } from '../shared/cpu-usage.js';
import type { CpuSnapshot, WatchedProcess } from '../shared/cpu-usage.js';
import { createLatencyHistogram } from '../shared/latency-histogram.js';
import { runLoad } from './run-load.js';
import { syscallsBetween, takeSyscallSnapshot } from './syscall-counts.js';
import type { LoadResult } from './run-load.js';

/** Upper bound on requests per run, far above what any path reaches on loopback. */
const MAX_REQUESTS_PER_SECOND = 1_000_000;
/** Lets the previous run's stragglers (acks, GC) settle so they are not billed to the next path. */
const SETTLE_MS = 100;

/** One of the compared paths: a label, how to send it one request, and the processes serving it. */
export interface BenchPath {
  /** Short key used in the ratio lines: 'a', 'b' or 'c'. */
  readonly key: string;
  readonly label: string;
  readonly send: () => Promise<unknown>;
  /** Server-side processes whose CPU time is billed to this path (the client is added by the bench). */
  readonly processes: readonly WatchedProcess[];
}

/** Durations of one measurement. */
export interface MeasureTiming {
  /** Load before measuring, to warm the JIT, connections and the batcher; not recorded. */
  readonly warmupMs: number;
  readonly measureMs: number;
  /** The measured time is split into this many rounds, taking the paths in turn. */
  readonly rounds: number;
}

/** CPU time one process (or the rest of the machine) spent per completed request. */
export interface CpuShare {
  readonly name: string;
  readonly usPerRequest: number;
}

/** Read and write system calls (socket reads and writes, mostly) one process made per completed request. */
export interface SyscallShare {
  readonly name: string;
  readonly readsPerRequest: number;
  readonly writesPerRequest: number;
}

/** The figures of one path at one concurrency. */
export interface PathMeasurement {
  readonly key: string;
  readonly label: string;
  readonly concurrency: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requestsPerSecond: number;
  readonly completed: number;
  readonly failed: number;
  readonly firstError: unknown;
  /** Client, each server-side process, then `rest` (NATS, Postgres, anything else running); empty without /proc. */
  readonly cpu: readonly CpuShare[];
  /** Client and each server-side process; empty without /proc. */
  readonly syscalls: readonly SyscallShare[];
}

interface Totals {
  readonly load: LoadResult[];
  /** CPU milliseconds by process name, plus `rest`. */
  readonly cpuMs: Map<string, number>;
  /** Read and write system calls by process name. */
  readonly syscalls: Map<string, { reads: number; writes: number }>;
}

function maxRequestsFor(durationMs: number): number {
  return Math.ceil((durationMs / 1000) * MAX_REQUESTS_PER_SECOND);
}

/** Adds the CPU used between two snapshots to `cpuMs`; whatever the watched processes did not use is `rest`. */
function addCpu(cpuMs: Map<string, number>, before: CpuSnapshot, after: CpuSnapshot): void {
  for (const [name, ms] of cpuUsedBetween(before, after)) cpuMs.set(name, (cpuMs.get(name) ?? 0) + ms);
}

async function measureRound(path: BenchPath, concurrency: number, durationMs: number, totals: Totals) {
  const watched = [{ name: 'client', pid: process.pid }, ...path.processes];
  await sleep(SETTLE_MS);
  const before = takeCpuSnapshot(watched);
  const callsBefore = takeSyscallSnapshot(watched);
  totals.load.push(
    await runLoad({ concurrency, durationMs, maxRequests: maxRequestsFor(durationMs), send: path.send }),
  );
  addCpu(totals.cpuMs, before, takeCpuSnapshot(watched));
  for (const [name, calls] of syscallsBetween(callsBefore, takeSyscallSnapshot(watched))) {
    const sum = totals.syscalls.get(name) ?? { reads: 0, writes: 0 };
    totals.syscalls.set(name, { reads: sum.reads + calls.reads, writes: sum.writes + calls.writes });
  }
}

function summarise(path: BenchPath, concurrency: number, totals: Totals): PathMeasurement {
  const histogram = createLatencyHistogram();
  for (const result of totals.load) histogram.add(result.histogram);
  const completed = totals.load.reduce((sum, result) => sum + result.completed, 0);
  const elapsedMs = totals.load.reduce((sum, result) => sum + result.elapsedMs, 0);
  const perRequest = (ms: number) => (completed === 0 ? 0 : (ms * 1000) / completed);
  return {
    key: path.key,
    label: path.label,
    concurrency,
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
    requestsPerSecond: completed / (elapsedMs / 1000),
    completed,
    failed: totals.load.reduce((sum, result) => sum + result.failed, 0),
    firstError: totals.load.find((result) => result.failed > 0)?.firstError,
    cpu: [...totals.cpuMs].map(([name, ms]) => ({ name, usPerRequest: perRequest(ms) })),
    syscalls: [...totals.syscalls].map(([name, { reads, writes }]) => ({
      name,
      readsPerRequest: completed === 0 ? 0 : reads / completed,
      writesPerRequest: completed === 0 ? 0 : writes / completed,
    })),
  };
}

/**
 * Warms every path up, then measures them in interleaved rounds (a, b, c, a, b, c, …) at
 * `concurrency`, so background load that comes and goes during the run hits every path alike.
 * @returns one measurement per path, in the order given.
 */
export async function measurePaths(
  paths: readonly BenchPath[],
  concurrency: number,
  timing: MeasureTiming,
): Promise<PathMeasurement[]> {
  for (const path of paths) {
    await sleep(SETTLE_MS);
    await runLoad({
      concurrency,
      durationMs: timing.warmupMs,
      maxRequests: maxRequestsFor(timing.warmupMs),
      send: path.send,
    });
  }
  const runs = paths.map((path) => ({
    path,
    totals: { load: [], cpuMs: new Map(), syscalls: new Map() } satisfies Totals,
  }));
  const roundMs = timing.measureMs / timing.rounds;
  for (let round = 0; round < timing.rounds; round += 1) {
    for (const { path, totals } of runs) await measureRound(path, concurrency, roundMs, totals);
  }
  return runs.map(({ path, totals }) => summarise(path, concurrency, totals));
}
