import { setTimeout as delay } from 'node:timers/promises';
import { syntheticSpec } from '@switchboard/models/testing';
import { startChaosStack } from '../chaos-stack.js';
import type { CallOutcome, RequestHistory } from '../call-outcome.js';
import type { ChaosStack } from '../chaos-stack.js';
import { describeFirstCall } from '../describe-first-call.js';
import { InferClient } from '../infer-client.js';
import { runOpenLoop } from '../run-open-loop.js';
import type { Scenario, ScenarioFindings } from '../scenario.js';
import { check } from '../scenario-report.js';
import { quantile, tallyScenario } from '../tally-scenario.js';
import type { SystemView } from '../tally-scenario.js';
import type { ChaosInfrastructure } from '../start-chaos-infrastructure.js';

const MODEL = 'natsdown';
const BEFORE_MS = 2_000;
const AFTER_MS = 12_000;
/** A refusal while NATS is down may wait for JetStream's ack (the router allows 5 s), never longer. */
const NO_HANG_LIMIT_MS = 6_000;
/** Clients reconnect every 250 ms; the router's circuit for the model, opened by the outage, half-opens after 5 s. */
const RECOVERY_LIMIT_MS = 10_000;

/** What one outage produced, for {@link judgeNatsOutage}. */
interface NatsOutageRun {
  readonly histories: readonly RequestHistory[];
  readonly stoppedAt: number;
  readonly restartedAt: number;
  readonly outageMs: number;
}

/**
 * Starts traffic, stops NATS for `outageMs`, restarts it on the same port and store, and waits for
 * the traffic to end. Restarts NATS also when this fails half-way: later scenarios need it.
 */
async function driveNatsOutage(
  stack: ChaosStack,
  infrastructure: ChaosInfrastructure,
  outageMs: number,
  progress: (line: string) => void,
): Promise<NatsOutageRun> {
  await stack.startWorker('worker', [MODEL]);
  const router = await stack.startRouter('router', [MODEL]);
  const client = new InferClient({ addresses: [router.address], model: MODEL, serverTimeoutMs: 20_000 });
  const traffic = runOpenLoop({ ratePerSecond: 20, durationMs: BEFORE_MS + outageMs + AFTER_MS }, (index) =>
    client.send(`n${index}`),
  );
  let natsStopped = false;
  try {
    await delay(BEFORE_MS);
    progress(`stopping NATS for ${outageMs / 1000} s`);
    const stoppedAt = performance.now();
    natsStopped = true;
    await infrastructure.nats.stopServer();
    await delay(outageMs);
    const restartedAt = performance.now();
    await infrastructure.nats.restartServer();
    natsStopped = false;
    progress('NATS restarted on the same port and store');
    const histories = await traffic;
    // Late answers reach the tap before counting.
    await delay(1_000);
    return { histories, stoppedAt, restartedAt, outageMs };
  } finally {
    if (natsStopped) await infrastructure.nats.restartServer();
    client.close();
  }
}

/** Prompt answers with a retry hint meanwhile, queued work completed, results again soon after. */
function judgeNatsOutage(run: NatsOutageRun, view: SystemView): ScenarioFindings {
  const { histories, stoppedAt, restartedAt, outageMs } = run;
  const calls = histories.flatMap((history) => history.calls);
  const during = calls.filter((call) => call.startedMs >= stoppedAt && call.startedMs < restartedAt);
  const unhinted = during.filter((call) => call.kind !== 'result' && call.kind !== 'refusal');
  const slowestRefusal = Math.max(
    0,
    ...calls.filter((call) => call.kind !== 'result').map((call) => call.latencyMs),
  );
  // Queued, yet answered with an error (a deadline passing) rather than completed.
  const unfinished = histories.filter(
    (history) => view.queued.has(history.requestId) && history.calls.at(-1)?.kind === 'status',
  );
  const recovery = recoveryMs(calls, restartedAt);
  const figures = tallyScenario(histories, view);
  const refusedYetRun = histories.filter(
    (history) =>
      history.calls.at(-1)?.kind === 'refusal' && (view.executions.get(history.requestId) ?? 0) > 0,
  ).length;
  return {
    histories,
    figures,
    checks: [
      check(
        'no call hung: every refusal or error came within 6 s',
        slowestRefusal <= NO_HANG_LIMIT_MS,
        `slowest ${Math.round(slowestRefusal)} ms`,
      ),
      check(
        'calls during the outage got a result or UNAVAILABLE with a retry hint',
        unhinted.length === 0,
        `${unhinted.length} of ${during.length} did not${describeFirstCall(unhinted)}`,
      ),
      check(
        'work accepted before or during the outage completed after it',
        unfinished.length === 0,
        `${unfinished.length} queued requests were not completed${describeFirstCall(unfinished.flatMap((history) => history.calls.slice(-1)))}`,
      ),
      check(
        `calls got results again within ${RECOVERY_LIMIT_MS / 1000} s of the restart`,
        recovery <= RECOVERY_LIMIT_MS,
        Number.isFinite(recovery) ? `from ${Math.round(recovery)} ms on` : 'not by the end of the run',
      ),
    ],
    measurements: {
      outageMs,
      callsDuringOutage: during.length,
      refusalsDuringOutage: during.filter((call) => call.kind === 'refusal').length,
      refusalsWithRetryInfo: during.filter((call) => call.retryInfo).length,
      outageCallP99Ms: Math.round(
        quantile(
          during.map((call) => call.latencyMs),
          0.99,
        ),
      ),
      // Refused to the client, yet queued once NATS came back and run: a retry would run it twice.
      refusedYetRun,
      recoveryMs: Number.isFinite(recovery) ? Math.round(recovery) : 'none',
    },
  };
}

/**
 * The suite's nats-server is stopped for 10 s (5 s with --quick), then started again on the same
 * port and JetStream store. Meanwhile every call must end promptly: with a result, or UNAVAILABLE
 * carrying a retry hint. Jobs accepted before the outage must be answered after it, and new calls
 * must succeed again soon after the restart.
 */
export const natsOutage: Scenario = {
  number: 5,
  title: 'NATS stopped, restarted',
  async run({ infrastructure, logDirectory, quick, progress }) {
    const stack = await startChaosStack({
      infrastructure,
      label: 'natsdown',
      logDirectory,
      models: [syntheticSpec(MODEL, { base_latency_ms: '100' }, 8)],
    });
    try {
      const run = await driveNatsOutage(stack, infrastructure, quick ? 5_000 : 10_000, progress);
      return judgeNatsOutage(run, stack.tap.view());
    } finally {
      await stack.stop();
    }
  },
};

/** How long after the restart calls got results for good: ms from `restartedAt` to the first call of the final run of results. */
function recoveryMs(calls: readonly CallOutcome[], restartedAt: number): number {
  const ordered = [...calls].sort((a, b) => a.startedMs - b.startedMs);
  const lastBad = ordered.findLastIndex((call) => call.kind !== 'result');
  const recovered = ordered[lastBad + 1];
  return recovered === undefined ? Number.POSITIVE_INFINITY : Math.max(0, recovered.startedMs - restartedAt);
}
