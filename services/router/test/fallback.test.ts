import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import type { RequestRecord } from '@switchboard/protocol';
import { scrapeMetrics, testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { featureRow, inferFeatures } from './support/infer-features.js';
import { collectRequestRecords } from './support/nats-records.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const FAILURES_TO_OPEN = 3;
const HALF_OPEN_AFTER_MS = 1_000;
const LOOSE = { sla_ms: { int64_param: 2_000 } } as const;

describe('fallbacks and per-model circuit breakers', () => {
  let system: TestSystem;
  let nats: NatsConnection;
  let records: RequestRecord[];

  const circuitState = async (model: string) =>
    (await scrapeMetrics(system.metricsPorts.router)).value('switchboard_router_circuit_state', {
      model,
      version: '1',
    });

  beforeAll(async () => {
    system = await startTestSystem('fallback', {
      ROUTER_BREAKER_FAILURES: String(FAILURES_TO_OPEN),
      ROUTER_BREAKER_HALF_OPEN_AFTER: `${HALF_OPEN_AFTER_MS}ms`,
    });
    await system.registry.registerModel({
      model: syntheticSpec('flaky', { base_latency_ms: '1', failure_rate: '1' }, 4, { costMicros: 1 }),
    });
    await system.registry.registerModel({
      model: syntheticSpec('steady', { base_latency_ms: '1' }, 4, { costMicros: 100 }),
    });
    // Registered as 5 ms but takes 3 s: only a timeout reveals it.
    await system.registry.registerModel({
      model: syntheticSpec('sluggish', { base_latency_ms: '3000' }, 4, { costMicros: 1, latencyPriorMs: 5 }),
    });
    await system.registry.putRoute({
      route: { name: 'resilient', candidates: [{ model: 'flaky' }, { model: 'steady' }] },
    });
    await system.registry.putRoute({
      route: { name: 'impatient', candidates: [{ model: 'sluggish' }, { model: 'steady' }] },
    });
    await system.registry.putRoute({
      route: {
        name: 'single-shot',
        candidates: [{ model: 'sluggish' }, { model: 'steady' }],
        policy: { maxAttempts: 1 },
      },
    });
    // One delivery per job: the worker answers a failure at once instead of retrying it itself.
    await system.startWorker(['flaky', 'steady', 'sluggish'], { WORKER_MAX_ATTEMPTS: '1' });
    for (const model of ['flaky', 'steady', 'sluggish']) await system.waitUntilReady(model);
    nats = await connect({ servers: testInfrastructure().natsUrl });
    records = collectRequestRecords(nats, system.names).records;
  });

  afterAll(async () => {
    await nats?.close();
    await system?.stop();
  });

  it('falls back to the next model, opens the circuit, then half-opens and recovers', async () => {
    for (let index = 0; index < FAILURES_TO_OPEN; index += 1) {
      const answer = await inferFeatures(system.oip, 'resilient', featureRow(index), { parameters: LOOSE });
      expect(answer).toMatchObject({ model: 'steady', reason: 'fallback', tried: ['flaky', 'steady'] });
    }
    expect(await circuitState('flaky')).toBe(1);
    // The request record names the failed attempt too, not only the model that answered.
    await waitFor(() => records.length >= FAILURES_TO_OPEN, { timeoutMs: 5_000, message: 'request records' });
    expect(records[0]).toMatchObject({ model: 'steady', statusCode: 0 });
    expect(records[0]?.attempts.map(({ model, version }) => [model, version])).toEqual([
      ['flaky', '1'],
      ['steady', '1'],
    ]);
    expect(records[0]?.attempts.map((attempt) => attempt.statusCode !== 0)).toEqual([true, false]);

    // Open: the failing model is not even tried.
    const whileOpen = await inferFeatures(system.oip, 'resilient', featureRow(10), { parameters: LOOSE });
    expect(whileOpen).toMatchObject({ model: 'steady', reason: 'cheapest_feasible', tried: ['steady'] });

    // The model is repaired; after the break the next request is the trial that closes the circuit.
    const flaky = syntheticSpec('flaky', { base_latency_ms: '1', failure_rate: '0' }, 4, { costMicros: 1 });
    await system.registry.updateModel({ model: flaky });
    await sleep(HALF_OPEN_AFTER_MS + 500);
    const trial = await inferFeatures(system.oip, 'resilient', featureRow(11), { parameters: LOOSE });
    expect(trial).toMatchObject({ model: 'flaky', tried: ['flaky'] });
    expect(await circuitState('flaky')).toBe(0);
    const scrape = await scrapeMetrics(system.metricsPorts.router);
    expect(scrape.value('switchboard_router_fallbacks_total', { model: 'flaky', route: 'resilient' })).toBe(
      FAILURES_TO_OPEN,
    );
  });

  it('falls back when the chosen model does not answer within the budget, well before the deadline', async () => {
    const startedAt = performance.now();
    const answer = await inferFeatures(system.oip, 'impatient', featureRow(20), {
      parameters: { sla_ms: { int64_param: 300 } },
      timeoutMs: 10_000,
    });
    const elapsedMs = performance.now() - startedAt;
    expect(answer).toMatchObject({ model: 'steady', reason: 'fallback', tried: ['sluggish', 'steady'] });
    expect(elapsedMs).toBeGreaterThanOrEqual(300);
    expect(elapsedMs).toBeLessThan(2_000);
  });

  it('gives the only attempt a route allows the whole deadline instead of cutting it short for a successor', async () => {
    const answer = await inferFeatures(system.oip, 'single-shot', featureRow(30), {
      parameters: { sla_ms: { int64_param: 300 } },
      timeoutMs: 10_000,
    });

    expect(answer).toMatchObject({ model: 'sluggish', tried: ['sluggish'] });
  });
});
