import type { ChildProcess } from 'node:child_process';
import { fromBinary } from '@bufbuild/protobuf';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { DeadLetterSchema } from '@switchboard/protocol';
import { testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { spawnWorkerProcess } from './support/spawn-worker-process.js';
import { startTestSystem } from './support/test-system.js';
import { waitForHeldJobs } from './support/wait-for-held-jobs.js';
import type { TestSystem } from './support/test-system.js';

const DEADLINE_MS = 12_000;
const UNAVAILABLE = 14;

const request = (model: string, index: number) => ({
  model_name: model,
  id: `r${index}`,
  inputs: [
    { name: 'features', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [index, 1, 2, 3] } },
  ],
});

describe('delivery guarantees', () => {
  let system: TestSystem;
  let crashingWorker: ChildProcess | undefined;

  beforeAll(async () => {
    system = await startTestSystem('delivery');
    await system.registry.registerModel({ model: syntheticSpec('slow', { base_latency_ms: '300' }) });
    await system.registry.registerModel({ model: syntheticSpec('broken', { failure_rate: '1' }) });
  });

  afterAll(async () => {
    crashingWorker?.kill('SIGKILL');
    await system?.stop();
  });

  it('answers every accepted request after the worker holding them is killed', async () => {
    crashingWorker = spawnWorkerProcess(system, {
      WORKER_ID: 'doomed',
      WORKER_MODELS: 'slow',
      WORKER_ACK_WAIT: '1s',
    });
    await system.waitUntilReady('slow');
    const startedAt = Date.now();
    const calls = Array.from({ length: 12 }, (_, index) =>
      system.oip
        .call<{ parameters: Record<string, { string_param?: string; int64_param?: number }> }>(
          'ModelInfer',
          request('slow', index),
          {
            timeoutMs: DEADLINE_MS,
          },
        )
        .then(
          (response) => ({
            worker: response.parameters['switchboard.worker']?.string_param,
            attempt: response.parameters['switchboard.attempt']?.int64_param ?? 0,
            elapsedMs: Date.now() - startedAt,
          }),
          (error: { code: number; details: string }) => ({ error, elapsedMs: Date.now() - startedAt }),
        ),
    );
    // Kill the doomed worker once it has jobs in hand (its first batch runs, the rest are queued).
    await waitForHeldJobs(system.names, 'slow', 4);
    crashingWorker.kill('SIGKILL');
    await system.startWorker(['slow'], { WORKER_ID: 'survivor', WORKER_ACK_WAIT: '1s' });
    const outcomes = await Promise.all(calls);

    for (const outcome of outcomes) {
      expect(outcome.elapsedMs).toBeLessThan(DEADLINE_MS + 500);
      if ('error' in outcome) expect(outcome.error.details).not.toBe('');
    }
    const answered = outcomes.filter((outcome) => 'worker' in outcome);
    expect(answered.length).toBe(outcomes.length);
    // The jobs the killed worker held were redelivered: the survivor answered them on a later attempt.
    expect(
      answered.some((outcome) => 'worker' in outcome && outcome.worker === 'survivor' && outcome.attempt > 1),
    ).toBe(true);
  });

  it('answers a job that keeps failing with a clear error after its attempts and dead-letters it', async () => {
    await system.startWorker(['broken'], { WORKER_MAX_ATTEMPTS: '2' });
    await system.waitUntilReady('broken');
    await expect(
      system.oip.call('ModelInfer', request('broken', 1), { timeoutMs: 10_000 }),
    ).rejects.toMatchObject({
      code: UNAVAILABLE,
      details: expect.stringMatching(/could not be served.*failure_rate.*after 2 deliveries/),
    });
    const nats = await connect({ servers: testInfrastructure().natsUrl });
    try {
      const manager = await jetstreamManager(nats);
      const stored = await waitFor(
        () =>
          manager.streams.getMessage(system.names.deadLetterStream, {
            last_by_subj: system.names.deadLetterSubject('broken'),
          }),
        { timeoutMs: 5_000, message: 'dead-letter record' },
      );
      const record = fromBinary(DeadLetterSchema, stored?.data ?? new Uint8Array());
      expect(record.job?.model).toBe('broken');
      expect(record.deliveries).toBe(2);
      expect(record.reason).toMatch(/failure_rate/);
    } finally {
      await nats.close();
    }
  });
});
