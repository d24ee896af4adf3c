import { setTimeout as delay } from 'node:timers/promises';
import { syntheticSpec } from '@switchboard/models/testing';
import { ACK_WAIT_MS, startChaosStack } from '../chaos-stack.js';
import { InferClient } from '../infer-client.js';
import { runOpenLoop } from '../run-open-loop.js';
import type { Scenario } from '../scenario.js';
import { check } from '../scenario-report.js';
import { tallyScenario } from '../tally-scenario.js';

const MODEL = 'slow';
/** Each batch runs 0.9–1.3 × AckWait, and jobs queue behind it for longer still. */
const BASE_LATENCY_MS = Math.round(ACK_WAIT_MS * 0.9);
const JITTER_MS = Math.round(ACK_WAIT_MS * 0.4);

/**
 * A model whose batches take about as long as AckWait, or longer, with jobs queued behind them: the
 * worker's in-progress acks must keep JetStream from redelivering work that is merely slow.
 */
export const slowModel: Scenario = {
  number: 3,
  title: 'slow model near AckWait',
  async run({ infrastructure, logDirectory }) {
    const stack = await startChaosStack({
      infrastructure,
      label: 'slow',
      logDirectory,
      models: [
        syntheticSpec(MODEL, { base_latency_ms: String(BASE_LATENCY_MS), jitter_ms: String(JITTER_MS) }),
      ],
    });
    try {
      await stack.startWorker('worker', [MODEL]);
      const router = await stack.startRouter('router', [MODEL]);
      const client = new InferClient({ addresses: [router.address], model: MODEL, serverTimeoutMs: 30_000 });
      const histories = await runOpenLoop({ ratePerSecond: 4, durationMs: 3_000 }, (index) =>
        client.send(`s${index}`),
      );
      client.close();
      // A spurious redelivery would answer a second time shortly after; give it the time to show.
      await delay(ACK_WAIT_MS);
      const tap = stack.tap.counts();
      const figures = tallyScenario(histories, stack.tap.view());
      return {
        histories,
        figures,
        checks: [
          check(
            'no job was delivered twice while its batch ran or waited',
            tap.redeliveredAnswers === 0 && tap.repeatedAnswers === 0,
            `${tap.redeliveredAnswers} answers from a later delivery, ${tap.repeatedAnswers} repeated answers`,
          ),
          check(
            'no request ran twice',
            figures.duplicateExecutions === 0,
            `${figures.duplicateExecutions} ran twice: ${stack.tap.describeRepeatedExecutions()}`,
          ),
          check(
            'the batches really ran past AckWait',
            figures.p99Ms > ACK_WAIT_MS,
            `P99 ${Math.round(figures.p99Ms)} ms against AckWait ${ACK_WAIT_MS} ms`,
          ),
        ],
        measurements: {
          ackWaitMs: ACK_WAIT_MS,
          batchLatencyMs: `${BASE_LATENCY_MS}–${BASE_LATENCY_MS + JITTER_MS}`,
        },
      };
    } finally {
      await stack.stop();
    }
  },
};
