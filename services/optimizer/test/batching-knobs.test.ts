import { create, fromBinary } from '@bufbuild/protobuf';
import { createLogger } from '@switchboard/logging';
import { BatchingKnobSchema, BatchingMode, DecisionRecordSchema } from '@switchboard/protocol';
import type { BatchingKnob } from '@switchboard/protocol';
import { batchingKnobKey } from '@switchboard/routing-policy';
import { scrapeMetrics, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOptimizerTestBed, startOptimizerInProcess } from './optimizer-test-bed.js';
import type { InProcessOptimizer, OptimizerTestBed, TestModel } from './optimizer-test-bed.js';

const ROUTE = 'batching';
const BUDGET_US = 1_000_000;
/** Batches up to 8 and waits 4 ms by the registry: the knob starts there. */
const BATCHED: TestModel = {
  name: 'batched',
  quality: 0.6,
  batching: { mode: BatchingMode.DYNAMIC, maxBatchSize: 8, maxQueueDelayUs: 4_000 },
};
/** Says it does not batch, though its spec has a size and a delay. */
const UNBATCHED: TestModel = {
  name: 'unbatched',
  quality: 0.6,
  batching: { mode: BatchingMode.NONE, maxBatchSize: 8, maxQueueDelayUs: 4_000 },
};
/** Has no batching spec at all. */
const PLAIN: TestModel = { name: 'plain', quality: 0.6 };
/** More than the 50 requests with a budget tuneQueueDelay asks for. */
const REQUESTS = 60;

interface LogLine {
  msg: string;
  model?: string;
  maxQueueDelayUs?: number;
  version?: number;
  reason?: string;
}

describe('batching knobs', () => {
  let bed: OptimizerTestBed;
  let running: InProcessOptimizer;
  const logLines: LogLine[] = [];
  let sent = 0;

  async function startOptimizer(): Promise<InProcessOptimizer> {
    const logger = createLogger({
      service: 'optimizer',
      level: 'info',
      destination: { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) },
    });
    return startOptimizerInProcess(bed, { OPTIMIZER_BATCHING_INTERVAL: '100ms' }, logger);
  }

  beforeAll(async () => {
    bed = await createOptimizerTestBed('batching');
    await bed.registerRoute(ROUTE, [BATCHED, UNBATCHED, PLAIN]);
    running = await startOptimizer();
  });

  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  /** Writes `count` decisions of `model` as the router does, each taking `ratio` of a 1 s budget. */
  async function serve(model: string, count: number, ratio: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      sent += 1;
      await bed.putDecision(
        create(DecisionRecordSchema, {
          requestId: `request-${sent}`,
          route: ROUTE,
          model,
          tenant: 'acme',
          tier: 'standard',
          propensity: 1,
          featureIndices: [3, 17],
          sloMissed: ratio > 1,
          answeredUnixMs: BigInt(Date.now()),
          latencyUs: BigInt(Math.round(ratio * BUDGET_US)),
          budgetUs: BigInt(BUDGET_US),
        }),
      );
    }
  }

  async function readKnob(model: string): Promise<BatchingKnob | undefined> {
    const entry = await bed.policies.announcements.get(batchingKnobKey(model));
    return entry === null ? undefined : fromBinary(BatchingKnobSchema, entry.value);
  }

  async function waitForKnob(model: string, version: bigint): Promise<BatchingKnob> {
    let knob: BatchingKnob | undefined;
    await waitFor(
      async () => {
        knob = await readKnob(model);
        return (knob?.version ?? 0n) >= version;
      },
      { timeoutMs: 10_000, intervalMs: 25, message: `knob version ${version} of ${model}` },
    );
    return knob!;
  }

  async function knobsPublished(model: string): Promise<number> {
    const metrics = await scrapeMetrics(running.optimizer.metricsPort);
    return metrics.value('switchboard_optimizer_batching_knobs_published_total', { model });
  }

  it('lengthens the delay of a batching model whose requests leave lots of slack, and logs why', async () => {
    const startedMs = Date.now();
    // The models that do not batch first: by the time the batched model's knob moves, their
    // decisions have been read and judged too.
    await serve(UNBATCHED.name, REQUESTS, 0.2);
    await serve(PLAIN.name, REQUESTS, 0.2);
    await serve(BATCHED.name, REQUESTS, 0.2);

    const knob = await waitForKnob(BATCHED.name, 1n);
    expect(knob).toMatchObject({ model: BATCHED.name, maxQueueDelayUs: 5_000, version: 1n });
    expect(knob.reason).toMatch(
      /^p95 at 0\.20 of budget, 0\.0% missed \(\d+ requests\): longer delay for fuller batches, 4000 → 5000 µs$/,
    );
    expect(Number(knob.atUnixMs)).toBeGreaterThanOrEqual(startedMs);
    expect(await knobsPublished(BATCHED.name)).toBe(1);
    expect(logLines.filter((line) => line.msg === 'batching knob changed')).toEqual([
      expect.objectContaining({
        model: BATCHED.name,
        maxQueueDelayUs: 5_000,
        version: 1,
        reason: knob.reason,
      }),
    ]);
  });

  it('gives no knob to a model that does not batch', async () => {
    expect(await readKnob(UNBATCHED.name)).toBeUndefined();
    expect(await readKnob(PLAIN.name)).toBeUndefined();
    const metrics = await scrapeMetrics(running.optimizer.metricsPort);
    expect(metrics.labelSets('switchboard_optimizer_batching_knobs_published_total')).toEqual([
      { model: BATCHED.name },
    ]);
  });

  it('shortens the delay when requests come near their budget', async () => {
    await serve(BATCHED.name, REQUESTS, 0.9);

    const knob = await waitForKnob(BATCHED.name, 2n);
    expect(knob).toMatchObject({ maxQueueDelayUs: 2_500, version: 2n });
    expect(knob.reason).toMatch(
      /^p95 at 0\.90 of budget, 0\.0% missed \(\d+ requests\): tail at risk, shorter delay, 5000 → 2500 µs$/,
    );
    expect(await knobsPublished(BATCHED.name)).toBe(2);
  });

  it('continues from the knob in KV after a restart', async () => {
    await running.stop();
    running = await startOptimizer();
    await serve(BATCHED.name, REQUESTS, 0.2);

    const knob = await waitForKnob(BATCHED.name, 3n);
    // From the 2,500 µs in force, not from the registry's 4,000: + 1 ms, the least growth.
    expect(knob).toMatchObject({ maxQueueDelayUs: 3_500, version: 3n });
    expect(await knobsPublished(BATCHED.name)).toBe(1);
  });
});
