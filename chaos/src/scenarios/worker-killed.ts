import { setTimeout as delay } from 'node:timers/promises';
import { startChaosStack } from '../chaos-stack.js';
import { InferClient } from '../infer-client.js';
import { runOpenLoop } from '../run-open-loop.js';
import type { Scenario } from '../scenario.js';
import { check } from '../scenario-report.js';
import { syntheticModel } from '../synthetic-model.js';
import { tallyScenario } from '../tally-scenario.js';

const MODEL = 'killed';

/**
 * Two workers share a model's queue; one is SIGKILLed while it holds a running batch and queued jobs.
 * JetStream redelivers them after AckWait to the survivor: every accepted id gets exactly one reply.
 */
export const workerKilled: Scenario = {
  number: 1,
  title: 'worker SIGKILL mid-batch',
  async run({ infrastructure, logDirectory, progress }) {
    const stack = await startChaosStack({
      infrastructure,
      label: 'killed',
      logDirectory,
      models: [syntheticModel(MODEL, { base_latency_ms: '400' })],
    });
    try {
      const doomed = await stack.startWorker('doomed', [MODEL]);
      await stack.startWorker('survivor', [MODEL]);
      const router = await stack.startRouter('router', [MODEL]);
      const client = new InferClient({ addresses: [router.address], model: MODEL, serverTimeoutMs: 20_000 });
      const traffic = runOpenLoop({ ratePerSecond: 30, durationMs: 2_000 }, (index) =>
        client.send(`k${index}`),
      );
      await stack.heartbeats.waitUntilHolding('doomed', 4);
      progress('SIGKILL the worker holding jobs');
      doomed.signal('SIGKILL');
      const histories = await traffic;
      client.close();
      // Let a late answer (there should be none) reach the tap before counting.
      await delay(500);
      const tap = stack.tap.counts();
      return {
        histories,
        figures: tallyScenario(histories, stack.tap.view()),
        checks: [
          check(
            "the killed worker's jobs were redelivered and answered by the survivor",
            tap.redeliveredAnswers > 0,
            `${tap.redeliveredAnswers} answers came from a later delivery`,
          ),
        ],
        measurements: {
          redeliveredAnswers: tap.redeliveredAnswers,
          repeatedWorkerAnswers: tap.repeatedAnswers,
        },
      };
    } finally {
      await stack.stop();
    }
  },
};
