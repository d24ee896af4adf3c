import { setTimeout as delay } from 'node:timers/promises';
import { syntheticSpec } from '@switchboard/models/testing';
import type { RequestHistory } from '../call-outcome.js';
import { MAX_ATTEMPTS, startChaosStack } from '../chaos-stack.js';
import type { ChaosStack } from '../chaos-stack.js';
import { describeFirstCall } from '../describe-first-call.js';
import { InferClient } from '../infer-client.js';
import type { TapCounts } from '../reply-tap.js';
import { runOpenLoop } from '../run-open-loop.js';
import type { Scenario, ScenarioFindings } from '../scenario.js';
import { check } from '../scenario-report.js';
import { quantile, tallyScenario } from '../tally-scenario.js';
import type { SystemView } from '../tally-scenario.js';

const POISON = 'poison';
const HEALTHY = 'healthy';
const POISON_REQUESTS = 10;
/** The healthy model's own latency is 20 ms; queueing and batching on a busy machine stay well under this. */
const HEALTHY_P99_LIMIT_MS = 1_000;

/** The poison and the healthy model's requests, sent side by side. */
interface PoisonRun {
  readonly poisonHistories: readonly RequestHistory[];
  readonly healthyHistories: readonly RequestHistory[];
}

async function drivePoisonInput(stack: ChaosStack): Promise<PoisonRun> {
  await stack.startWorker('worker', [POISON, HEALTHY]);
  const router = await stack.startRouter('router', [POISON, HEALTHY]);
  const poison = new InferClient({ addresses: [router.address], model: POISON, serverTimeoutMs: 20_000 });
  const healthy = new InferClient({
    addresses: [router.address],
    model: HEALTHY,
    serverTimeoutMs: 20_000,
  });
  const [poisonHistories, healthyHistories] = await Promise.all([
    runOpenLoop({ ratePerSecond: 5, durationMs: (POISON_REQUESTS / 5) * 1000 }, (index) =>
      poison.send(`p${index}`),
    ),
    runOpenLoop({ ratePerSecond: 40, durationMs: 5_000 }, (index) => healthy.send(`ok${index}`)),
  ]);
  poison.close();
  healthy.close();
  // Dead letters and late answers reach the tap before counting.
  await delay(500);
  return { poisonHistories, healthyHistories };
}

/** Queued poison: clear error, one dead letter, bounded deliveries; the rest refused; healthy traffic untouched. */
function judgePoisonInput(run: PoisonRun, view: SystemView, tap: TapCounts): ScenarioFindings {
  const { poisonHistories, healthyHistories } = run;
  // The router's circuit for the model opens after repeated failures: later poison requests are
  // refused at the door (with a retry hint) and never queued, which is right too.
  const queuedPoison = poisonHistories.filter((history) => view.queued.has(history.requestId));
  const unclear = queuedPoison.filter(
    (history) =>
      history.calls.at(-1)?.kind !== 'status' ||
      !/could not be served/.test(history.calls.at(-1)?.message ?? ''),
  );
  const notDeadLettered = queuedPoison.filter((history) => view.deadLetters.get(history.requestId) !== 1);
  const unqueuedNotRefused = poisonHistories.filter(
    (history) => !view.queued.has(history.requestId) && history.calls.at(-1)?.kind !== 'refusal',
  );
  const poisonExecutions = poisonHistories.map((history) => view.executions.get(history.requestId) ?? 0);
  const healthyLatencies = healthyHistories.flatMap((history) =>
    history.calls.filter((call) => call.kind === 'result').map((call) => call.latencyMs),
  );
  const healthyP99 = quantile(healthyLatencies, 0.99);
  return {
    histories: [...poisonHistories, ...healthyHistories],
    figures: tallyScenario([...poisonHistories, ...healthyHistories], view),
    checks: [
      check(
        'every queued poison request was answered with an error saying it could not be served',
        queuedPoison.length > 0 && unclear.length === 0,
        `${unclear.length} of ${queuedPoison.length} were not${describeFirstCall(unclear.flatMap((history) => history.calls.slice(-1)))}`,
      ),
      check(
        'every queued poison request has exactly one dead-letter record',
        notDeadLettered.length === 0,
        `${notDeadLettered.length} of ${queuedPoison.length} have not`,
      ),
      check(
        'poison requests not queued were refused with a retry hint',
        unqueuedNotRefused.length === 0,
        `${unqueuedNotRefused.length} were not${describeFirstCall(unqueuedNotRefused.flatMap((history) => history.calls.slice(-1)))}`,
      ),
      check(
        'attempts were bounded by WORKER_MAX_ATTEMPTS',
        tap.maxDeadLetterDeliveries > 0 && tap.maxDeadLetterDeliveries <= MAX_ATTEMPTS + 1,
        `at most ${tap.maxDeadLetterDeliveries} deliveries before the dead letter (WORKER_MAX_ATTEMPTS ${MAX_ATTEMPTS})`,
      ),
      check(
        'no poison request produced a result',
        poisonExecutions.every((count) => count === 0),
        `${poisonExecutions.filter((count) => count > 0).length} did`,
      ),
      check(
        'every healthy request got a result, in time',
        healthyLatencies.length === healthyHistories.length && healthyP99 <= HEALTHY_P99_LIMIT_MS,
        `${healthyLatencies.length} of ${healthyHistories.length} results, P99 ${Math.round(healthyP99)} ms (limit ${HEALTHY_P99_LIMIT_MS})`,
      ),
    ],
    measurements: {
      maxAttempts: MAX_ATTEMPTS,
      healthyP99Ms: Math.round(healthyP99),
      queuedPoison: queuedPoison.length,
      poisonMessage: queuedPoison[0]?.calls.at(-1)?.message ?? '',
      refusalMessage:
        poisonHistories.find((history) => !view.queued.has(history.requestId))?.calls.at(-1)?.message ?? '',
    },
  };
}

/**
 * Jobs that fail every time they run (the synthetic runtime's `failure_rate` 1: a retryable error on
 * each execution) share a worker with healthy traffic. Each poison job must run at most
 * WORKER_MAX_ATTEMPTS times, then be answered with a clear error and recorded as a dead letter,
 * while the healthy model's requests are all answered in time.
 */
export const poisonInput: Scenario = {
  number: 4,
  title: 'poison input',
  async run({ infrastructure, logDirectory }) {
    const stack = await startChaosStack({
      infrastructure,
      label: 'poison',
      logDirectory,
      models: [
        syntheticSpec(POISON, { base_latency_ms: '20', failure_rate: '1' }),
        syntheticSpec(HEALTHY, { base_latency_ms: '20' }, 8),
      ],
    });
    try {
      const run = await drivePoisonInput(stack);
      return judgePoisonInput(run, stack.tap.view(), stack.tap.counts());
    } finally {
      await stack.stop();
    }
  },
};
