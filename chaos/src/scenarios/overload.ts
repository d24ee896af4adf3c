import { setTimeout as delay } from 'node:timers/promises';
import { syntheticSpec } from '@switchboard/models/testing';
import { startChaosStack } from '../chaos-stack.js';
import type { ChaosStack } from '../chaos-stack.js';
import type { RequestHistory } from '../call-outcome.js';
import { describeFirstCall } from '../describe-first-call.js';
import { InferClient } from '../infer-client.js';
import { readResidentBytes } from '../process-memory.js';
import { runOpenLoop } from '../run-open-loop.js';
import type { Scenario, ScenarioFindings } from '../scenario.js';
import { check } from '../scenario-report.js';
import { quantile, tallyScenario } from '../tally-scenario.js';
import type { SystemView } from '../tally-scenario.js';

const MODEL = 'overload';
const RESOURCE_EXHAUSTED = 8;
/** Batches of up to 4 in 100 ms on one worker: 40 requests a second. */
const BATCH_LATENCY_MS = 100;
const MAX_BATCH_SIZE = 4;
const CAPACITY_PER_SECOND = (MAX_BATCH_SIZE * 1000) / BATCH_LATENCY_MS;
/** Each request's deadline and latency target. */
const SLO_MS = 1_000;
/** "Refused within a few ms": the typical refusal; the tail allows a shared machine's scheduling stalls. */
const REFUSAL_MEDIAN_LIMIT_MS = 10;
const REFUSAL_P99_LIMIT_MS = 100;
const MEMORY_GROWTH_LIMIT_BYTES = 64 * 1024 ** 2;
const RECOVERY_LIMIT_MS = 5_000;
const PROBE_RATE_PER_SECOND = 10;
const PROBE_DURATION_MS = 8_000;

/** Samples the router's resident memory once a second until stopped. */
function sampleMemory(pid: number): { stop(): Promise<number[]> } {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(await readResidentBytes(pid));
      await delay(1_000);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/**
 * When probes sent after the overload started getting results inside the SLO for good: ms after the
 * overload ended; infinite when they never did.
 */
function recoveryMs(probes: readonly RequestHistory[], overloadEndedAt: number): number {
  const lastBad = probes.findLastIndex((history) => {
    const call = history.calls.at(-1);
    return call === undefined || call.kind !== 'result' || call.latencyMs > SLO_MS;
  });
  const recovered = probes[lastBad + 1]?.calls[0];
  return recovered === undefined
    ? Number.POSITIVE_INFINITY
    : Math.max(0, recovered.startedMs - overloadEndedAt);
}

/** What one overload run produced, for {@link judgeOverload}. */
interface OverloadRun {
  readonly histories: readonly RequestHistory[];
  /** Requests at a tenth of the rate after the overload, to time the recovery. */
  readonly probes: readonly RequestHistory[];
  /** The router's resident bytes, once a second during the overload. */
  readonly memorySamples: readonly number[];
  readonly overloadEndedAt: number;
  readonly durationMs: number;
}

/** Sends the overload, then the probes, sampling the router's memory meanwhile. */
async function driveOverload(
  stack: ChaosStack,
  durationMs: number,
  progress: (line: string) => void,
): Promise<OverloadRun> {
  await stack.startWorker('worker', [MODEL]);
  const router = await stack.startRouter('router', [MODEL]);
  // As deployed: the monitor's load snapshots give routers the queue across all of them.
  await stack.startMonitor();
  const client = new InferClient({
    addresses: [router.address],
    model: MODEL,
    serverTimeoutMs: SLO_MS,
    slaMs: SLO_MS,
  });
  try {
    progress(
      `${CAPACITY_PER_SECOND * 2} requests/s for ${durationMs / 1000} s against a capacity of ${CAPACITY_PER_SECOND}/s`,
    );
    const memory = sampleMemory(router.process.pid);
    const histories = await runOpenLoop({ ratePerSecond: CAPACITY_PER_SECOND * 2, durationMs }, (index) =>
      client.send(`o${index}`),
    );
    const overloadEndedAt = performance.now();
    const memorySamples = await memory.stop();
    const probes = await runOpenLoop(
      { ratePerSecond: PROBE_RATE_PER_SECOND, durationMs: PROBE_DURATION_MS },
      (index) => client.send(`probe${index}`),
    );
    return { histories, probes, memorySamples, overloadEndedAt, durationMs };
  } finally {
    client.close();
  }
}

/** Latency quantile `q` of the refusals among `histories`' calls, ms. */
function refusalQuantile(histories: readonly RequestHistory[], q: number): number {
  const refusals = histories.flatMap((history) => history.calls).filter((call) => call.kind === 'refusal');
  return quantile(
    refusals.map((call) => call.latencyMs),
    q,
  );
}

/** Checks and figures of an overload run: refusals, SLO, memory, recovery. */
function judgeOverload(run: OverloadRun, view: SystemView): ScenarioFindings {
  const { histories, memorySamples: samples, durationMs } = run;
  const figures = tallyScenario(histories, view);
  const calls = histories.flatMap((history) => history.calls);
  const refusals = calls.filter((call) => call.kind === 'refusal');
  const badRefusals = refusals.filter((call) => call.code !== RESOURCE_EXHAUSTED || !call.retryInfo);
  const refusalMedian = refusalQuantile(histories, 0.5);
  const refusalP99 = refusalQuantile(histories, 0.99);
  const silent = calls.filter((call) => call.kind === 'silent');
  // Memory once the overload has settled in (a quarter through) against the end.
  const settled = samples[Math.floor(samples.length / 4)] ?? 0;
  const growth = (samples.at(-1) ?? 0) - settled;
  const recovery = recoveryMs(run.probes, run.overloadEndedAt);
  // The same figures once the overload has settled in (after its first quarter), beside the whole run's.
  const settledFrom = (histories[0]?.calls[0]?.startedMs ?? 0) + durationMs / 4;
  const settledHistories = histories.filter((history) => (history.calls[0]?.startedMs ?? 0) >= settledFrom);
  const mebibytes = (bytes: number) => Math.round(bytes / 1024 ** 2);
  return {
    histories: [...histories, ...run.probes],
    figures,
    checks: [
      check(
        'the excess was refused',
        refusals.length >= calls.length / 4,
        `${refusals.length} of ${calls.length} calls refused`,
      ),
      check(
        'every refusal was RESOURCE_EXHAUSTED with RetryInfo',
        badRefusals.length === 0,
        `${badRefusals.length} were not${describeFirstCall(badRefusals)}`,
      ),
      check(
        `refusals came within a few ms (median ≤ ${REFUSAL_MEDIAN_LIMIT_MS} ms, P99 ≤ ${REFUSAL_P99_LIMIT_MS} ms)`,
        refusals.length > 0 && refusalMedian <= REFUSAL_MEDIAN_LIMIT_MS && refusalP99 <= REFUSAL_P99_LIMIT_MS,
        `median ${refusalMedian.toFixed(1)} ms, P99 ${refusalP99.toFixed(1)} ms`,
      ),
      check(
        `accepted requests kept the ${SLO_MS} ms SLO (P99)`,
        figures.p99Ms <= SLO_MS,
        `P99 ${Math.round(figures.p99Ms)} ms`,
      ),
      check('no call hung', silent.length === 0, `${silent.length} did`),
      check(
        "the router's memory stayed flat",
        growth <= MEMORY_GROWTH_LIMIT_BYTES,
        `resident ${mebibytes(settled)} MiB → ${mebibytes(samples.at(-1) ?? 0)} MiB`,
      ),
      check(
        `requests were served inside the SLO again within ${RECOVERY_LIMIT_MS / 1000} s`,
        recovery <= RECOVERY_LIMIT_MS,
        Number.isFinite(recovery) ? `after ${Math.round(recovery)} ms` : 'not within the probe window',
      ),
    ],
    measurements: {
      ratePerSecond: CAPACITY_PER_SECOND * 2,
      capacityPerSecond: CAPACITY_PER_SECOND,
      durationMs,
      sent: histories.length,
      refusals: refusals.length,
      refusalMedianMs: Number(refusalMedian.toFixed(1)),
      refusalP99Ms: Number(refusalP99.toFixed(1)),
      answeredPerSecond: Math.round(
        (histories.filter((history) => history.calls.at(-1)?.kind === 'result').length * 1000) / durationMs,
      ),
      routerResidentStartMiB: mebibytes(samples[0] ?? 0),
      routerResidentEndMiB: mebibytes(samples.at(-1) ?? 0),
      recoveryMs: Number.isFinite(recovery) ? Math.round(recovery) : 'none',
      settledAcceptedP99Ms: Math.round(tallyScenario(settledHistories, view).p99Ms),
      settledRefusalP99Ms: Number(refusalQuantile(settledHistories, 0.99).toFixed(1)),
    },
  };
}

/**
 * Open-loop traffic at twice the model's capacity for 60 s (15 s with --quick), each request with a
 * 1 s deadline. The excess must be refused at once with RESOURCE_EXHAUSTED and RetryInfo, accepted
 * requests must keep the SLO, the router's memory must stay flat, and once the overload stops
 * requests must be served in time again within seconds.
 */
export const overload: Scenario = {
  number: 10,
  title: 'overload at 2x capacity',
  async run({ infrastructure, logDirectory, quick, progress }) {
    const stack = await startChaosStack({
      infrastructure,
      label: 'overload',
      logDirectory,
      models: [syntheticSpec(MODEL, { base_latency_ms: String(BATCH_LATENCY_MS) }, MAX_BATCH_SIZE)],
    });
    try {
      const run = await driveOverload(stack, quick ? 15_000 : 60_000, progress);
      return judgeOverload(run, stack.tap.view());
    } finally {
      await stack.stop();
    }
  },
};
