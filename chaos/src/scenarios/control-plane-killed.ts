import { setTimeout as delay } from 'node:timers/promises';
import { syntheticSpec } from '@switchboard/models/testing';
import { startChaosStack } from '../chaos-stack.js';
import { describeFirstCall } from '../describe-first-call.js';
import { InferClient } from '../infer-client.js';
import { runOpenLoop } from '../run-open-loop.js';
import type { Scenario } from '../scenario.js';
import { check } from '../scenario-report.js';
import { tallyScenario } from '../tally-scenario.js';

const MODEL = 'plane';
/** The model answers in 20 ms; the default tier's SLO is 1 s. */
const P99_LIMIT_MS = 1_000;

/**
 * Monitor, optimizer and resource manager are SIGKILLed one after another under steady traffic.
 * None of them is on the request path: every request must still get a result in time.
 */
export const controlPlaneKilled: Scenario = {
  number: 8,
  title: 'monitor, optimizer, RM killed',
  async run({ infrastructure, logDirectory, quick, progress }) {
    const durationMs = quick ? 8_000 : 12_000;
    const stack = await startChaosStack({
      infrastructure,
      label: 'plane',
      logDirectory,
      models: [syntheticSpec(MODEL, { base_latency_ms: '20' }, 8)],
    });
    try {
      await stack.startWorker('worker', [MODEL]);
      const router = await stack.startRouter('router', [MODEL]);
      const local = { HOST: '127.0.0.1', PORT: '0' };
      const controlPlane = [
        await stack.startMonitor(),
        stack.startService('optimizer', 'optimizer', {
          OPTIMIZER_HOST: local.HOST,
          OPTIMIZER_PORT: local.PORT,
        }),
        stack.startService('resource-manager', 'resource-manager', {
          RESOURCE_MANAGER_HOST: local.HOST,
          RESOURCE_MANAGER_PORT: local.PORT,
          // Places models on the workers that heartbeat; starts no processes of its own.
          RM_DRIVER: 'none',
        }),
      ];
      // Give them time to start and take part (leases, subscriptions) before they die.
      await delay(2_000);
      const client = new InferClient({ addresses: [router.address], model: MODEL, serverTimeoutMs: 10_000 });
      const traffic = runOpenLoop({ ratePerSecond: 30, durationMs }, (index) => client.send(`c${index}`));
      const exits: string[] = [];
      for (const service of controlPlane) {
        await delay(durationMs / 4);
        progress(`SIGKILL ${service.name}`);
        if (!service.signal('SIGKILL'))
          exits.push(`${service.name} had already exited (${await service.exited})`);
      }
      const histories = await traffic;
      client.close();
      const calls = histories.flatMap((history) => history.calls);
      const failedCalls = calls.filter((call) => call.kind !== 'result');
      const figures = tallyScenario(histories, stack.tap.view());
      return {
        histories,
        figures,
        checks: [
          check(
            'every request got a result',
            failedCalls.length === 0,
            `${failedCalls.length} of ${calls.length} did not${describeFirstCall(failedCalls)}`,
          ),
          check(
            'answers stayed inside the 1 s SLO',
            figures.p99Ms <= P99_LIMIT_MS,
            `P99 ${Math.round(figures.p99Ms)} ms`,
          ),
          check(
            'each control-plane service was running when killed',
            exits.length === 0,
            exits.join(', ') || 'all three were',
          ),
        ],
        measurements: {},
      };
    } finally {
      await stack.stop();
    }
  },
};
