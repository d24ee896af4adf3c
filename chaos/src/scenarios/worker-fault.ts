import { setTimeout as delay } from 'node:timers/promises';
import type { ServiceProcess } from '@switchboard/service-runner';
import { syntheticSpec } from '@switchboard/models/testing';
import { startChaosStack } from '../chaos-stack.js';
import { InferClient } from '../infer-client.js';
import { runOpenLoop } from '../run-open-loop.js';
import type { ScenarioContext, ScenarioFindings } from '../scenario.js';
import { check } from '../scenario-report.js';
import { tallyScenario } from '../tally-scenario.js';

/** A fault done to one of two workers sharing a model's queue, while it holds jobs. */
export interface WorkerFault {
  /** Names the run's model, stack and request ids. */
  readonly label: string;
  /** The worker the fault is done to, and the one left to take over its jobs. */
  readonly faulty: string;
  readonly other: string;
  /** Injects the fault into the faulty worker; resolves when the scenario may let traffic finish. */
  readonly inject: (worker: ServiceProcess, progress: (line: string) => void) => Promise<void>;
  /** Time after the traffic for late answers to reach the tap before counting. */
  readonly settleMs: number;
  /** The check that its jobs were redelivered, as the table's reader should read it. */
  readonly redeliveredCheck: string;
  /** The measurement's name for answers published again for jobs already answered. */
  readonly repeatedAnswersName: string;
}

/**
 * Two workers share a model's queue (400 ms a batch); traffic at 30 requests/s for 2 s; once the
 * faulty worker holds 4 jobs the fault is injected, and JetStream must redeliver what it held to the
 * other worker after AckWait: every accepted id answered exactly once.
 */
export async function runWorkerFault(
  { infrastructure, logDirectory, progress }: ScenarioContext,
  fault: WorkerFault,
): Promise<ScenarioFindings> {
  const model = fault.label;
  const stack = await startChaosStack({
    infrastructure,
    label: fault.label,
    logDirectory,
    models: [syntheticSpec(model, { base_latency_ms: '400' })],
  });
  try {
    const faulty = await stack.startWorker(fault.faulty, [model]);
    await stack.startWorker(fault.other, [model]);
    const router = await stack.startRouter('router', [model]);
    const client = new InferClient({ addresses: [router.address], model, serverTimeoutMs: 20_000 });
    const traffic = runOpenLoop({ ratePerSecond: 30, durationMs: 2_000 }, (index) =>
      client.send(`${fault.label}-${index}`),
    );
    await stack.heartbeats.waitUntilHolding(fault.faulty, 4);
    await fault.inject(faulty, progress);
    const histories = await traffic;
    client.close();
    await delay(fault.settleMs);
    const tap = stack.tap.counts();
    return {
      histories,
      figures: tallyScenario(histories, stack.tap.view()),
      checks: [
        check(
          fault.redeliveredCheck,
          tap.redeliveredAnswers > 0,
          `${tap.redeliveredAnswers} answers came from a later delivery`,
        ),
      ],
      measurements: {
        redeliveredAnswers: tap.redeliveredAnswers,
        [fault.repeatedAnswersName]: tap.repeatedAnswers,
      },
    };
  } finally {
    await stack.stop();
  }
}
