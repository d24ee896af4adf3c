import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import { describeMachine } from '../shared/describe-machine.js';
import { prepareRun } from '../shared/prepare-run.js';
import type { BenchEnvironment } from '../shared/prepare-run.js';
import { reportProgress } from '../shared/report-progress.js';
import { renderChartPng } from '../shared/render-chart.js';
import { autoscaleChartSpec, toChartPoints } from './autoscale-chart.js';
import type { ChartPoint } from './autoscale-chart.js';
import {
  fullBatchMs,
  REPLICA_PROFILE,
  replicaCapacityPerSecond,
  toAutoscaleModelSpec,
  WORKER_MEMORY_BYTES,
} from './autoscale-models.js';
import { judgeTargets, predictiveRatios } from './autoscale-results.js';
import type { AutoscalePolicy, AutoscaleResults, PolicySummary } from './autoscale-results.js';
import { formatAutoscaleResults } from './format-autoscale-results.js';
import { managerTimings, TARGET_UTILISATION } from '../shared/manager-environment.js';
import type { AutoscaleFlags } from './parse-autoscale-flags.js';
import { peakReplicas, poolBound, scheduleRequests } from './plan-autoscale-run.js';
import { readModelArrivals } from './read-model-arrivals.js';
import { runAutoscalePolicy } from './run-autoscale-policy.js';
import { selectBurstWindow } from './select-burst-window.js';
import { summarisePolicy } from './summarise-policy.js';

/** The stretch is judged in at most this many bins: fine enough to see a burst in it. */
const WINDOW_BINS = 30;
/**
 * Bins are at least this long in trace time, the manager's default forecast step: a burst shorter
 * than one step is noise to a forecaster, and static-peak is sized for the busiest bin.
 */
const MIN_BIN_MS = 10_000;
/** A call's deadline as a multiple of the SLO: a late answer is still measured, a lost one ends. */
const DEADLINE_PER_SLO = 3;

/** The trace stretch, the request schedule and each model's peak need. */
async function planRun(flags: AutoscaleFlags) {
  const { arrivals, models } = await readModelArrivals(flags.traces);
  const durationMs = flags.durationSeconds * 1_000;
  const bins = Math.min(WINDOW_BINS, Math.max(1, Math.floor(durationMs / MIN_BIN_MS)));
  const window = selectBurstWindow(
    arrivals.map((arrival) => arrival.offsetMs),
    durationMs,
    durationMs / bins,
    flags.leadInSeconds * 1_000,
  );
  const requests = scheduleRequests(arrivals, window, flags.leadInSeconds * 1_000);
  const capacityPerSecond = replicaCapacityPerSecond(REPLICA_PROFILE);
  const peaks = new Map(
    models.map((model) => [
      model,
      peakReplicas(requests, model, {
        binMs: window.binMs,
        capacityPerSecond,
        targetUtilisation: TARGET_UTILISATION,
      }),
    ]),
  );
  const maxWorkers = poolBound([...peaks.values()], REPLICA_PROFILE.memoryBytes, WORKER_MEMORY_BYTES);
  return { models, window, requests, peaks, maxWorkers, capacityPerSecond };
}

type RunPlan = Awaited<ReturnType<typeof planRun>>;

function describePlan(flags: AutoscaleFlags, plan: RunPlan): string {
  const { window } = plan;
  const measured = plan.requests.filter((request) => request.measured).length;
  const perModel = plan.models
    .map((model) => `${model} (static-peak ${plan.peaks.get(model)} replicas)`)
    .join(', ');
  return [
    `autoscale: ${flags.policies.join(', ')}, each on a fresh stack, the same requests open loop`,
    `trace: ${flags.traces.join(' + ')}`,
    `stretch: trace ${(window.startMs / 1_000).toFixed(0)}–${(window.endMs / 1_000).toFixed(0)} s, ` +
      `peak-to-mean ${window.peakToMean.toFixed(2)} in ${(window.binMs / 1_000).toFixed(0)} s bins ` +
      `(mean ${window.meanPerSecond.toFixed(2)}, peak ${window.peakPerSecond.toFixed(2)} req/s); ` +
      `${measured} requests measured after ${plan.requests.length - measured} of lead-in, at ${flags.speedup}× speed`,
    `models: ${perModel}; one replica ${plan.capacityPerSecond.toFixed(2)} req/s, cold start ` +
      `${REPLICA_PROFILE.loadMs / 1_000} s, ${REPLICA_PROFILE.memoryBytes / 1024 ** 3} GiB; workers of ` +
      `${WORKER_MEMORY_BYTES / 1024 ** 3} GiB, at most ${plan.maxWorkers}`,
    `SLO ${flags.sloSeconds} s per request; figures in trace time`,
  ].join('\n');
}

/** Runs each policy on its own stack and summarises it. */
async function runPolicies(
  flags: AutoscaleFlags,
  plan: RunPlan,
  environment: BenchEnvironment,
  cleanup: CleanupStack,
) {
  const context = await prepareRun(environment, 'bench-autoscale', cleanup);
  const logDirectory = await mkdtemp(join(tmpdir(), 'switchboard-autoscale-'));
  reportProgress(`worker logs in ${logDirectory}`);
  const sloMs = flags.sloSeconds * 1_000;
  const policies: Partial<Record<AutoscalePolicy, PolicySummary>> = {};
  const points: ChartPoint[] = [];
  const planLines: string[] = [];
  for (const [index, policy] of flags.policies.entries()) {
    const specs = plan.models.map((model) =>
      toAutoscaleModelSpec(model, REPLICA_PROFILE, {
        speedup: flags.speedup,
        minReplicas: policy === 'static-peak' ? (plan.peaks.get(model) ?? 1) : 1,
        sloMs,
      }),
    );
    const record = await runAutoscalePolicy(
      policy,
      `${context.namespace}p${index + 1}`,
      context,
      {
        requests: plan.requests,
        specs,
        manager: {
          speedup: flags.speedup,
          maxWorkers: plan.maxWorkers,
          workerMemoryBytes: WORKER_MEMORY_BYTES,
          logDirectory: join(logDirectory, policy),
        },
        durationMs: flags.durationSeconds * 1_000,
        deadlineMs: sloMs * DEADLINE_PER_SLO,
        coldStartMs: REPLICA_PROFILE.loadMs,
      },
      cleanup,
    );
    const summary = summarisePolicy(record, sloMs);
    policies[policy] = summary;
    points.push(...toChartPoints(policy, { ...record, requests: plan.requests }));
    const windowStart = record.clock.startUnixMs;
    for (const sample of record.samples)
      planLines.push(JSON.stringify({ policy, window_offset_ms: sample.atMs - windowStart, ...sample }));
    reportProgress(
      `  ${policy}: SLO miss ${(summary.slo_miss_rate * 100).toFixed(2)}%, ` +
        `${summary.replica_seconds.toFixed(0)} replica-seconds, ${summary.cold_starts} cold starts`,
    );
  }
  return { policies, points, planLines, infrastructure: context.infrastructure };
}

/**
 * The autoscale benchmark: picks the burstiest stretch of the trace, replays it on a fresh stack
 * per policy with the resource manager placing synthetic models on workers it starts, and writes
 * results.json and the chart to `--out`.
 */
export async function runAutoscale(
  flags: AutoscaleFlags,
  environment: BenchEnvironment,
  cleanup: CleanupStack,
): Promise<void> {
  const plan = await planRun(flags);
  const description = describePlan(flags, plan);
  reportProgress(description);
  const { policies, points, planLines, infrastructure } = await runPolicies(
    flags,
    plan,
    environment,
    cleanup,
  );
  const timings = managerTimings(flags.speedup);
  const results: AutoscaleResults = {
    policies,
    ratios: predictiveRatios(policies),
    targets: judgeTargets(policies),
    run: {
      traces: flags.traces,
      speedup: flags.speedup,
      time: 'trace (wall clock × speedup)',
      stretch: { ...plan.window, lead_in_ms: flags.leadInSeconds * 1_000 },
      requests: plan.requests.filter((request) => request.measured).length,
      slo_ms: flags.sloSeconds * 1_000,
      models: Object.fromEntries(
        plan.models.map((model) => [model, { static_peak_replicas: plan.peaks.get(model) }]),
      ),
      replica: {
        ...REPLICA_PROFILE,
        capacity_per_second: plan.capacityPerSecond,
        full_batch_ms: fullBatchMs(REPLICA_PROFILE),
      },
      pool: { max_workers: plan.maxWorkers, worker_memory_bytes: WORKER_MEMORY_BYTES },
      manager_wall_clock_ms: timings,
      machine: describeMachine(infrastructure).replace(/^machine: /, ''),
    },
  };
  await mkdir(flags.out, { recursive: true });
  await writeFile(join(flags.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(flags.out, 'placement.jsonl'), planLines.map((line) => `${line}\n`).join(''));
  await writeFile(join(flags.out, 'autoscale.png'), await renderChartPng(autoscaleChartSpec(points)));
  process.stdout.write(`${description}\n\n${formatAutoscaleResults(results)}\n`);
  reportProgress(`wrote ${join(flags.out, 'results.json')}, placement.jsonl and autoscale.png`);
}
