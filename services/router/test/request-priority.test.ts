import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { inferFeatures } from './support/infer-features.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const MODEL = 'prioritised';
/** One job per batch, each taking this long: the model serves 50 requests a second. */
const BATCH_MS = 20;
const BACKLOG = 40;
const HIGH_PRIORITY = { priority: { int64_param: 1 } };
const LOW_PRIORITY = { priority: { int64_param: 3 } };

describe("Triton's per-request priority parameter, through the router on real JetStream", () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('request-priority');
    await system.registry.registerModel({
      model: syntheticSpec(MODEL, { base_latency_ms: String(BATCH_MS) }, 1),
    });
    await system.startWorker([MODEL]);
    await system.waitUntilReady(MODEL);
  });

  afterAll(async () => {
    await system?.stop();
  });

  /** Sends one request at `parameters`' priority; resolves with when it was answered (performance.now()). */
  const send = (parameters: typeof HIGH_PRIORITY, index: number) =>
    inferFeatures(system.oip, MODEL, [index % 5, 0.5, -0.5, 1], { parameters, timeoutMs: 60_000 }).then(() =>
      performance.now(),
    );

  it('answers high-priority requests ahead of a low-priority backlog queued before them', async () => {
    const low = Array.from({ length: BACKLOG }, (_, index) => send(LOW_PRIORITY, index));
    await sleep(4 * BATCH_MS);
    const highSentAt = performance.now();
    const high = await Promise.all(Array.from({ length: 5 }, (_, index) => send(HIGH_PRIORITY, index)));
    const lowAnswered = await Promise.all(low);

    // The backlog takes ~800 ms to drain; the high-priority requests wait for a few batches at most.
    const highWaitMs = Math.max(...high) - highSentAt;
    expect(highWaitMs).toBeLessThan((BACKLOG * BATCH_MS) / 3);
    expect(lowAnswered.filter((answeredAt) => answeredAt > Math.max(...high)).length).toBeGreaterThan(
      BACKLOG / 2,
    );
  }, 60_000);

  it('keeps answering low-priority requests while high-priority ones keep the model busy', async () => {
    const runMs = 1_500;
    const startedAt = performance.now();
    const high: Array<Promise<number>> = [];
    const low = Array.from({ length: 10 }, (_, index) => send(LOW_PRIORITY, index));
    // High priority arrives at the model's full capacity for the whole run (open loop).
    for (let elapsedMs = 0; elapsedMs < runMs; elapsedMs = performance.now() - startedAt) {
      for (; high.length < (elapsedMs * 1_000) / BATCH_MS / 1_000;)
        high.push(send(HIGH_PRIORITY, high.length));
      await sleep(5);
    }
    const lowDuringRun = (await Promise.all(low)).filter((answeredAt) => answeredAt - startedAt < runMs);
    await Promise.all(high);

    // Priority 3 gets 1 of every 7 slots under contention, so some of it is served during the run.
    expect(lowDuringRun.length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
