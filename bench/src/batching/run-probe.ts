import { cpuUsedBetween, takeCpuSnapshot } from '../shared/cpu-usage.js';
import type { CpuSnapshot, WatchedProcess } from '../shared/cpu-usage.js';
import { reportProgress } from '../shared/report-progress.js';
import { sendOpenLoop } from '../shared/send-open-loop.js';
import { waitForEmptyQueues } from '../shared/wait-for-empty-queues.js';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BatchTelemetry } from './batch-telemetry.js';
import { summariseProbe } from './summarise-probe.js';
import type { ProbeSummary } from './summarise-probe.js';

/** One measured arrival rate of one strategy, in the strategy's own time. */
export interface ProbePoint extends ProbeSummary {
  /** P99 within the SLO (which more than 1% failures rule out). */
  readonly withinSlo: boolean;
  /** Mean size and execute time of the batches that ended in the measured window (worker telemetry). */
  readonly meanBatchSize: number;
  readonly meanExecuteMs: number;
  /**
   * Cores the rest of the machine (other programs; Postgres) kept busy while the probe ran: on a
   * shared machine, how far to trust the figures. undefined without /proc.
   */
  readonly otherLoadCores: number | undefined;
}

/** What every probe of one strategy shares. */
export interface ProbeTarget {
  /** Labels progress lines, e.g. `onnx dynamic`. */
  readonly label: string;
  /** The strategy's registry model. */
  readonly model: string;
  readonly sloMs: number;
  /** Wall ms of each probe's schedule at least; longer at low rates (see {@link probeWindowMs}). */
  readonly windowMs: number;
  /** Simulated time runs this many times faster than wall time; 1 for real models. */
  readonly timeScale: number;
  readonly connection: NatsConnection;
  readonly namespace: string;
  readonly telemetry: BatchTelemetry;
  /** The processes of the request path (bench, router, worker, NATS), whose CPU time is not "other load". */
  readonly processes: readonly WatchedProcess[];
}

/** A schedule to send: wall offsets and the call for each request. */
export interface ProbeSchedule {
  /** Wall ms the schedule spans (from {@link probeWindowMs}); its first fifth is warm-up. */
  readonly windowMs: number;
  readonly offsetsMs: readonly number[];
  readonly send: (index: number) => Promise<unknown>;
}

/** The first fifth of every probe is warm-up: queues and batch sizes settle before measuring. */
const WARM_UP_SHARE = 0.2;
/** Requests a probe measures at least, so that its P99 is not merely its slowest request. */
export const MIN_MEASURED_REQUESTS = 150;

/**
 * How long a probe at `wallRatePerSecond` runs: `minimumMs`, or longer when that would measure
 * fewer than {@link MIN_MEASURED_REQUESTS} requests after the warm-up.
 */
export function probeWindowMs(minimumMs: number, wallRatePerSecond: number): number {
  return Math.max(minimumMs, (MIN_MEASURED_REQUESTS * 1_000) / wallRatePerSecond / (1 - WARM_UP_SHARE));
}

/** How long to wait for a strategy's queues to drain after a probe before going on regardless. */
const DRAIN_TIMEOUT_MS = 60_000;

function formatMs(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(value < 100 ? 1 : 0)} ms` : '∞ (>1% failed)';
}

/** Cores busy outside the watched processes between two snapshots `elapsedMs` apart. */
function readOtherLoad(before: CpuSnapshot, after: CpuSnapshot, elapsedMs: number): number | undefined {
  const restMs = cpuUsedBetween(before, after).get('rest');
  return restMs === undefined ? undefined : restMs / Math.max(1, elapsedMs);
}

/**
 * Sends one schedule open loop to the strategy's model, waits for every answer and then for its
 * queues to drain, and summarises the measured window with the batches the worker reported in it.
 */
export async function runProbe(
  target: ProbeTarget,
  schedule: ProbeSchedule,
  ratePerSecond: number,
): Promise<ProbePoint> {
  const startedAtUnixMs = Date.now();
  const cpuBefore = takeCpuSnapshot(target.processes);
  const outcomes = await sendOpenLoop({
    offsetsMs: schedule.offsetsMs,
    send: schedule.send,
    label: `${target.label} at ${ratePerSecond.toFixed(2)}/s`,
  });
  const warmUpMs = schedule.windowMs * WARM_UP_SHARE;
  const summary = summariseProbe(outcomes, {
    warmUpMs,
    endMs: schedule.windowMs,
    timeScale: target.timeScale,
  });
  const otherLoadCores = readOtherLoad(
    cpuBefore,
    takeCpuSnapshot(target.processes),
    Date.now() - startedAtUnixMs,
  );
  const drained = await waitForEmptyQueues(
    target.connection,
    target.namespace,
    [target.model],
    DRAIN_TIMEOUT_MS,
  );
  if (!drained)
    reportProgress(`  ${target.label}: queues still not empty after ${DRAIN_TIMEOUT_MS / 1_000} s`);
  const batches = target.telemetry.statisticsOf(
    target.model,
    startedAtUnixMs + warmUpMs,
    startedAtUnixMs + schedule.windowMs,
  );
  const point = {
    ...summary,
    withinSlo: summary.p99Ms <= target.sloMs,
    meanBatchSize: batches.meanSize,
    meanExecuteMs: batches.meanExecuteMs * target.timeScale,
    otherLoadCores,
  };
  reportProgress(
    `  ${target.label}: offered ${point.offeredRps.toFixed(1)}/s, answered ${point.throughputRps.toFixed(1)}/s, ` +
      `P99 ${formatMs(point.p99Ms)} (SLO ${target.sloMs} ms: ${point.withinSlo ? 'within' : 'missed'}), ` +
      `mean batch ${point.meanBatchSize.toFixed(1)}` +
      (otherLoadCores === undefined ? '' : `, other load ${otherLoadCores.toFixed(2)} cores`),
  );
  return point;
}
