import { setTimeout as delay } from 'node:timers/promises';
import { ACK_WAIT_MS, startChaosStack } from '../chaos-stack.js';
import { InferClient } from '../infer-client.js';
import { runOpenLoop } from '../run-open-loop.js';
import type { Scenario } from '../scenario.js';
import { check } from '../scenario-report.js';
import { syntheticModel } from '../synthetic-model.js';
import { tallyScenario } from '../tally-scenario.js';

const MODEL = 'hung';

/**
 * One of two workers is frozen (SIGSTOP) while holding jobs: no progress signals, so JetStream
 * redelivers them after AckWait to the other. When the frozen worker resumes (SIGCONT) it finishes
 * its stale batch and publishes answers nobody waits for: the router drops them, and no client sees
 * a second reply.
 */
export const workerHung: Scenario = {
  number: 2,
  title: 'worker hung (SIGSTOP)',
  async run({ infrastructure, logDirectory, progress }) {
    const stack = await startChaosStack({
      infrastructure,
      label: 'hung',
      logDirectory,
      models: [syntheticModel(MODEL, { base_latency_ms: '400' })],
    });
    try {
      const frozen = await stack.startWorker('frozen', [MODEL]);
      await stack.startWorker('healthy', [MODEL]);
      const router = await stack.startRouter('router', [MODEL]);
      const client = new InferClient({ addresses: [router.address], model: MODEL, serverTimeoutMs: 20_000 });
      const traffic = runOpenLoop({ ratePerSecond: 30, durationMs: 2_000 }, (index) =>
        client.send(`h${index}`),
      );
      await stack.heartbeats.waitUntilHolding('frozen', 4);
      progress('SIGSTOP the worker holding jobs');
      frozen.signal('SIGSTOP');
      await delay(ACK_WAIT_MS * 2 + 1_000);
      progress('SIGCONT: the frozen worker resumes its stale batch');
      frozen.signal('SIGCONT');
      const histories = await traffic;
      client.close();
      // The resumed worker's stale answers take a moment; they must arrive before counting.
      await delay(2_000);
      const tap = stack.tap.counts();
      return {
        histories,
        figures: tallyScenario(histories, stack.tap.view()),
        checks: [
          check(
            "the frozen worker's jobs were redelivered after AckWait",
            tap.redeliveredAnswers > 0,
            `${tap.redeliveredAnswers} answers came from a later delivery`,
          ),
        ],
        measurements: {
          redeliveredAnswers: tap.redeliveredAnswers,
          // Answers the resumed worker published for jobs already answered: dropped by the router.
          staleAnswersDropped: tap.repeatedAnswers,
        },
      };
    } finally {
      await stack.stop();
    }
  },
};
