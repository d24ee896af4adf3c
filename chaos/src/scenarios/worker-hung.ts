import { setTimeout as delay } from 'node:timers/promises';
import { ACK_WAIT_MS } from '../chaos-stack.js';
import type { Scenario } from '../scenario.js';
import { runWorkerFault } from './worker-fault.js';

/**
 * One of two workers is frozen (SIGSTOP) while holding jobs: no progress signals, so JetStream
 * redelivers them after AckWait to the other. When the frozen worker resumes (SIGCONT) it finishes
 * its stale batch and publishes answers nobody waits for: the router drops them, and no client sees
 * a second reply.
 */
export const workerHung: Scenario = {
  number: 2,
  title: 'worker hung (SIGSTOP)',
  run: (context) =>
    runWorkerFault(context, {
      label: 'hung',
      faulty: 'frozen',
      other: 'healthy',
      async inject(worker, progress) {
        progress('SIGSTOP the worker holding jobs');
        worker.signal('SIGSTOP');
        await delay(ACK_WAIT_MS * 2 + 1_000);
        progress('SIGCONT: the frozen worker resumes its stale batch');
        worker.signal('SIGCONT');
      },
      // The resumed worker's stale answers take a moment; they must arrive before counting.
      settleMs: 2_000,
      redeliveredCheck: "the frozen worker's jobs were redelivered after AckWait",
      // Answers the resumed worker published for jobs already answered: dropped by the router.
      repeatedAnswersName: 'staleAnswersDropped',
    }),
};
