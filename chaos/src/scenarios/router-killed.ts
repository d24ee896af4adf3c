import { setTimeout as delay } from 'node:timers/promises';
import { waitFor } from '@switchboard/local-infra';
import { syntheticSpec } from '@switchboard/models/testing';
import { startChaosStack } from '../chaos-stack.js';
import { describeFirstCall } from '../describe-first-call.js';
import { InferClient } from '../infer-client.js';
import { runOpenLoop } from '../run-open-loop.js';
import type { Scenario } from '../scenario.js';
import { check } from '../scenario-report.js';
import { tallyScenario } from '../tally-scenario.js';

const MODEL = 'routerkill';
const REQUESTS = 12;
/** The broken calls end as soon as the connection drops; this allows a loaded machine. */
const DROP_NOTICE_LIMIT_MS = 2_000;

/**
 * The router is SIGKILLed while its requests wait on a slow model (1 s batches), and a new router
 * starts on the same port. Clients see the calls break (UNAVAILABLE) and send the same request ids
 * again: each must be answered from the dedup window or the result cache — the job queued before
 * the kill — and never executed a second time.
 */
export const routerKilled: Scenario = {
  number: 7,
  title: 'router SIGKILL mid-flight',
  async run({ infrastructure, logDirectory, progress }) {
    const stack = await startChaosStack({
      infrastructure,
      label: 'routerkill',
      logDirectory,
      models: [syntheticSpec(MODEL, { base_latency_ms: '1000' })],
    });
    try {
      await stack.startWorker('worker', [MODEL]);
      const router = await stack.startRouter('router', [MODEL]);
      const client = new InferClient({
        addresses: [router.address],
        model: MODEL,
        serverTimeoutMs: 20_000,
        // Resent every 250 ms for up to 30 s: time for the new router to start on a loaded machine.
        maxCalls: 120,
        retryDelayMs: 250,
      });
      const traffic = runOpenLoop({ ratePerSecond: 40, durationMs: (REQUESTS / 40) * 1000 }, (index) =>
        client.send(`r${index}`),
      );
      await waitFor(() => stack.tap.view().queued.size >= REQUESTS, {
        timeoutMs: 10_000,
        message: 'jobs queued',
      });
      await delay(200);
      progress('SIGKILL the router; a new one starts on its port');
      const killedAt = performance.now();
      router.process.signal('SIGKILL');
      await stack.startRouter('router-2', [MODEL], router.port);
      const histories = await traffic;
      client.close();
      await delay(1_000);
      const firstCalls = histories.flatMap((history) => history.calls.slice(0, 1));
      const notBroken = firstCalls.filter((call) => call.kind !== 'transport' && call.kind !== 'result');
      const lateNotice = firstCalls.filter(
        (call) =>
          call.kind === 'transport' && call.startedMs + call.latencyMs - killedAt > DROP_NOTICE_LIMIT_MS,
      );
      const figures = tallyScenario(histories, stack.tap.view());
      return {
        histories,
        figures,
        checks: [
          check(
            'calls in flight at the kill broke at once with UNAVAILABLE',
            notBroken.length === 0 && lateNotice.length === 0,
            `${notBroken.length} ended otherwise${describeFirstCall(notBroken)}; ${lateNotice.length} took over ${DROP_NOTICE_LIMIT_MS} ms`,
          ),
          check(
            'a retried request id was not executed twice',
            figures.duplicateExecutions === 0,
            `${figures.duplicateExecutions} of ${histories.length} ids ran twice: ${stack.tap.describeRepeatedExecutions()}`,
          ),
        ],
        measurements: {
          retriedRequests: histories.filter((history) => history.calls.length > 1).length,
          callsPerRequestMax: Math.max(0, ...histories.map((history) => history.calls.length)),
        },
      };
    } finally {
      await stack.stop();
    }
  },
};
