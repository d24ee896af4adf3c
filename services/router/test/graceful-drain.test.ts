import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { spawnWorkerProcess } from './support/spawn-worker-process.js';
import { startTestSystem } from './support/test-system.js';
import { waitForHeldJobs } from './support/wait-for-held-jobs.js';
import type { TestSystem } from './support/test-system.js';

interface Answer {
  parameters: Record<string, { string_param?: string; int64_param?: number }>;
}

describe('a worker told to stop', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('drain');
    await system.registry.registerModel({ model: syntheticSpec('steady', { base_latency_ms: '250' }, 2) });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('finishes the jobs it holds on SIGTERM, answers them itself and exits cleanly', async () => {
    const worker = spawnWorkerProcess(system, { WORKER_ID: 'leaving', WORKER_MODELS: 'steady' });
    const exited = once(worker, 'exit');
    await system.waitUntilReady('steady');
    const calls = Array.from({ length: 4 }, (_, index) =>
      system.oip.call<Answer>(
        'ModelInfer',
        {
          model_name: 'steady',
          inputs: [
            {
              name: 'features',
              datatype: 'FP32',
              shape: [1, 4],
              contents: { fp32_contents: [index, 0, 0, 0] },
            },
          ],
        },
        { timeoutMs: 10_000 },
      ),
    );
    // The first batch is running and the rest are held in the batcher when the signal arrives.
    await waitForHeldJobs(system.names, 'steady', 4);
    worker.kill('SIGTERM');
    const answers = await Promise.all(calls);
    const [exitCode] = (await exited) as [number | null];

    expect(exitCode).toBe(0);
    for (const answer of answers) {
      expect(answer.parameters['switchboard.worker']?.string_param).toBe('leaving');
      expect(answer.parameters['switchboard.attempt']?.int64_param).toBe(1);
    }
  });
});
