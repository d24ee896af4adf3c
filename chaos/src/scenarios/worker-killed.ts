import type { Scenario } from '../scenario.js';
import { runWorkerFault } from './worker-fault.js';

/**
 * Two workers share a model's queue; one is SIGKILLed while it holds a running batch and queued jobs.
 * JetStream redelivers them after AckWait to the survivor: every accepted id gets exactly one reply.
 */
export const workerKilled: Scenario = {
  number: 1,
  title: 'worker SIGKILL mid-batch',
  run: (context) =>
    runWorkerFault(context, {
      label: 'killed',
      faulty: 'doomed',
      other: 'survivor',
      async inject(worker, progress) {
        progress('SIGKILL the worker holding jobs');
        worker.signal('SIGKILL');
      },
      // Let a late answer (there should be none) reach the tap before counting.
      settleMs: 500,
      redeliveredCheck: "the killed worker's jobs were redelivered and answered by the survivor",
      repeatedAnswersName: 'repeatedWorkerAnswers',
    }),
};
