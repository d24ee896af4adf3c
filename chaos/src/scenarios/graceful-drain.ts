import { setTimeout as delay } from 'node:timers/promises';
import { syntheticSpec } from '@switchboard/models/testing';
import { startChaosStack } from '../chaos-stack.js';
import { describeFirstCall } from '../describe-first-call.js';
import { InferClient } from '../infer-client.js';
import { runOpenLoop } from '../run-open-loop.js';
import type { Scenario } from '../scenario.js';
import { check } from '../scenario-report.js';
import { tallyScenario } from '../tally-scenario.js';

const MODEL = 'drain';

/**
 * Two routers and two workers under steady traffic; one worker, then one router, gets SIGTERM. Each
 * must drain — finish or hand back what it holds — and exit 0. Clients retry a refused or broken call
 * on the other router with the same id. Nothing accepted may be lost or run twice.
 */
export const gracefulDrain: Scenario = {
  number: 9,
  title: 'SIGTERM drains router and worker',
  async run({ infrastructure, logDirectory, quick, progress }) {
    const durationMs = quick ? 6_000 : 10_000;
    const stack = await startChaosStack({
      infrastructure,
      label: 'drain',
      logDirectory,
      models: [syntheticSpec(MODEL, { base_latency_ms: '200' })],
    });
    try {
      // A production AckWait rather than the stack's 2 s: a drain must hand jobs back itself (nak),
      // never through AckWait. A job it dropped would then wait past the clients' 15 s and show as
      // a request without a result, and an event-loop stall on a loaded machine cannot make
      // JetStream redeliver a job that is still running and count as a drain's double execution.
      const productionAckWait = { WORKER_ACK_WAIT: '30s' };
      const leavingWorker = await stack.startWorker('leaving-worker', [MODEL], productionAckWait);
      await stack.startWorker('staying-worker', [MODEL], productionAckWait);
      const leavingRouter = await stack.startRouter('leaving-router', [MODEL]);
      const stayingRouter = await stack.startRouter('staying-router', [MODEL]);
      const client = new InferClient({
        addresses: [leavingRouter.address, stayingRouter.address],
        model: MODEL,
        serverTimeoutMs: 15_000,
        maxCalls: 4,
        retryDelayMs: 100,
      });
      const traffic = runOpenLoop({ ratePerSecond: 20, durationMs }, (index) => client.send(`d${index}`));
      await delay(durationMs * 0.3);
      progress('SIGTERM a worker');
      leavingWorker.signal('SIGTERM');
      await delay(durationMs * 0.3);
      progress('SIGTERM a router');
      leavingRouter.process.signal('SIGTERM');
      const histories = await traffic;
      client.close();
      const [workerExit, routerExit] = await Promise.all([
        leavingWorker.exited,
        leavingRouter.process.exited,
      ]);
      await delay(500);
      const failed = histories.filter((history) => history.calls.at(-1)?.kind !== 'result');
      const figures = tallyScenario(histories, stack.tap.view());
      return {
        histories,
        figures,
        checks: [
          check('the worker drained and exited 0', workerExit === 0, `exit code ${workerExit}`),
          check('the router drained and exited 0', routerExit === 0, `exit code ${routerExit}`),
          check(
            'every request got a result (a refused call retried on the other router)',
            failed.length === 0,
            `${failed.length} of ${histories.length} did not${describeFirstCall(failed.flatMap((history) => history.calls.slice(-1)))}`,
          ),
          check(
            'no request ran twice',
            figures.duplicateExecutions === 0,
            `${figures.duplicateExecutions} ran twice: ${stack.tap.describeRepeatedExecutions()}`,
          ),
        ],
        measurements: {
          retriedRequests: histories.filter((history) => history.calls.length > 1).length,
        },
      };
    } finally {
      await stack.stop();
    }
  },
};
