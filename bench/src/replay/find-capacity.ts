import type { GrpcClient } from '@switchboard/grpc';
import type { GRPCInferenceService } from '@switchboard/protocol';
import type { LoadRecorder } from '../shared/load-recorder.js';
import type { ReplicaTimeline } from '../shared/replica-timeline.js';
import { reportProgress } from '../shared/report-progress.js';
import type { ReplayRequest } from './create-replay-workload.js';
import type { ChooseTarget } from './policies.js';
import type { PolicyName } from './replay-results.js';
import { runPolicy } from './run-policy.js';

/** The share of requests that must meet their SLO at a sustainable load (the paper's criterion). */
const SLO_TARGET = 0.99;
/** Trace time of each probe: long enough for queues to build, short enough for ~8 probes per policy. */
const PROBE_TRACE_MS = 120_000;
const MIN_LOAD = 1 / 16;
const MAX_LOAD = 16;
/** Bisection steps after the bracket is found: the result is within 2^(1/8) ≈ 9% of the true bound. */
const BISECTION_STEPS = 3;
const IDLE_WAIT_MS = 60_000;

/** What a capacity search needs besides the policy itself. */
export interface CapacitySearch {
  readonly policy: PolicyName;
  readonly choose: ChooseTarget;
  /** The in-flight counts `choose` reads (the least-loaded policy balances on them). */
  readonly inFlight: Map<string, number>;
  readonly workload: readonly ReplayRequest[];
  readonly client: GrpcClient<typeof GRPCInferenceService>;
  readonly loadRecorder: LoadRecorder;
  readonly replicas: ReplicaTimeline;
  readonly speedup: number;
}

/** Whether the policy keeps ≥ 99% of the probe's requests within SLO at `load` × the trace's rate. */
async function sustains(
  search: CapacitySearch,
  probe: readonly ReplayRequest[],
  load: number,
): Promise<boolean> {
  await search.loadRecorder.waitUntilIdle(IDLE_WAIT_MS);
  const run = await runPolicy({ ...search, workload: probe, load });
  const withinSlo =
    run.outcomes.filter((outcome) => outcome.withinSlo).length / Math.max(1, run.outcomes.length);
  reportProgress(
    `  ${search.policy} capacity probe at load ${load.toFixed(2)}×: ${(withinSlo * 100).toFixed(1)}% within SLO`,
  );
  return withinSlo >= SLO_TARGET;
}

/**
 * Finds, by a bounded search over the arrival rate multiplier (doubling or halving to bracket it,
 * then bisecting geometrically), the highest arrival rate at which the policy answers ≥ 99% of
 * requests OK within their SLO: the paper's "requests per second on the same hardware".
 * @returns requests per second of trace time; 0 when even 1/16 of the trace's rate is too much.
 */
export async function findCapacity(search: CapacitySearch): Promise<number> {
  const probe = search.workload.filter((request) => request.offsetMs <= PROBE_TRACE_MS);
  const baseRate = probe.length / (Math.max(1, probe.at(-1)?.offsetMs ?? 0) / 1_000);
  let passed = 0;
  let failed = Infinity;
  let load = 1;
  while (load >= MIN_LOAD && load <= MAX_LOAD) {
    if (await sustains(search, probe, load)) {
      passed = load;
      if (failed !== Infinity) break;
      load *= 2;
    } else {
      failed = load;
      if (passed > 0) break;
      load /= 2;
    }
  }
  if (passed > 0 && failed !== Infinity) {
    for (let step = 0; step < BISECTION_STEPS; step += 1) {
      const middle = Math.sqrt(passed * failed);
      if (await sustains(search, probe, middle)) passed = middle;
      else failed = middle;
    }
  }
  return passed * baseRate;
}
