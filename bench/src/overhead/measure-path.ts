import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad } from './run-load.js';

/** Upper bound on requests per run, far above what any path reaches on loopback. */
const MAX_REQUESTS_PER_SECOND = 1_000_000;
/** Lets the previous run's stragglers (acks, GC) settle so they are not billed to the next path. */
const SETTLE_MS = 250;

/** One of the compared paths: a label and how to send it one request. */
export interface BenchPath {
  /** Short key used in the ratio lines: 'a', 'b' or 'c'. */
  readonly key: string;
  readonly label: string;
  readonly send: () => Promise<unknown>;
}

/** Durations of one measurement. */
export interface MeasureTiming {
  /** Load before measuring, to warm the JIT, connections and the batcher; not recorded. */
  readonly warmupMs: number;
  readonly measureMs: number;
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
}

function maxRequestsFor(durationMs: number): number {
  return Math.ceil((durationMs / 1000) * MAX_REQUESTS_PER_SECOND);
}

/** Warms `path` up, then measures it in a closed loop at `concurrency`. */
export async function measurePath(path: BenchPath, concurrency: number, timing: MeasureTiming): Promise<PathMeasurement> {
  await sleep(SETTLE_MS);
  const common = { concurrency, send: path.send };
  await runLoad({ ...common, durationMs: timing.warmupMs, maxRequests: maxRequestsFor(timing.warmupMs) });
  const result = await runLoad({ ...common, durationMs: timing.measureMs, maxRequests: maxRequestsFor(timing.measureMs) });
  return {
    key: path.key,
    label: path.label,
    concurrency,
    p50Ms: result.histogram.getValueAtPercentile(50) / 1000,
    p99Ms: result.histogram.getValueAtPercentile(99) / 1000,
    requestsPerSecond: result.completed / (result.elapsedMs / 1000),
    completed: result.completed,
    failed: result.failed,
    firstError: result.firstError,
  };
}
