import { status } from '@grpc/grpc-js';
import { InfeasibleAction, Modality, SelectionObjective } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { featureRow, inferFeatures } from './support/infer-features.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const PREMIUM_KEY = { authorization: 'Bearer premium-tenant-key-0001' };
const STANDARD_KEY = { 'x-api-key': 'standard-tenant-key-0002' };
const candidates = ['swift', 'thrifty', 'precise'].map((model) => ({ model }));

describe('model selection by budget, cost cap, quality floor and tier', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('selection', { ROUTER_AUTH: 'required' });
    const models = [
      syntheticSpec('swift', { base_latency_ms: '5' }, 4, { costMicros: 50, quality: 0.8 }),
      syntheticSpec('thrifty', { base_latency_ms: '300' }, 4, { costMicros: 5, quality: 0.8 }),
      syntheticSpec('precise', { base_latency_ms: '150' }, 4, { costMicros: 400, quality: 0.97 }),
    ];
    for (const model of models) await system.registry.registerModel({ model });
    await system.registry.putRoute({ route: { name: 'answer', candidates } });
    await system.registry.putRoute({
      route: { name: 'answer-strict', candidates, policy: { whenInfeasible: InfeasibleAction.REFUSE } },
    });
    await system.registry.putRoute({
      route: { name: 'answer-best', candidates, policy: { objective: SelectionObjective.BEST_QUALITY } },
    });
    await system.registry.putRoute({
      route: {
        name: 'answer-sized',
        candidates: [
          { model: 'swift', conditions: { modalities: [Modality.STRUCTURED], maxComplexity: 4 } },
          { model: 'precise', conditions: { minComplexity: 5, tiers: ['premium'] } },
        ],
      },
    });
    await system.registry.putTenant({
      tenant: { name: 'acme', tier: 'premium', apiKey: PREMIUM_KEY.authorization.slice(7) },
    });
    await system.registry.putTenant({
      tenant: { name: 'bobs', tier: 'standard', apiKey: STANDARD_KEY['x-api-key'] },
    });
    await system.startWorker(['swift', 'thrifty', 'precise']);
    for (const model of ['swift', 'thrifty', 'precise']) await system.waitUntilReady(model, PREMIUM_KEY);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('sends a request with a tight deadline to the fast model', async () => {
    const answer = await inferFeatures(system.oip, 'answer', featureRow(1), {
      metadata: STANDARD_KEY,
      // Too little for the others (150 ms and 300 ms), plenty for the fast one on a busy machine.
      timeoutMs: 120,
    });
    expect(answer).toMatchObject({ model: 'swift', reason: 'cheapest_feasible', tried: ['swift'] });
    expect(answer.budgetMs).toBeLessThanOrEqual(120);
  });

  it('sends a request with a loose budget to the cheapest model that meets it', async () => {
    const answer = await inferFeatures(system.oip, 'answer', featureRow(2), {
      metadata: STANDARD_KEY,
      parameters: { sla_ms: { int64_param: 1_000 } },
    });
    expect(answer).toMatchObject({ model: 'thrifty', reason: 'cheapest_feasible', costMicros: 5 });
  });

  it('sends a loose request to the best model when the route optimises quality', async () => {
    const answer = await inferFeatures(system.oip, 'answer-best', featureRow(3), { metadata: STANDARD_KEY });
    expect(answer).toMatchObject({ model: 'precise', reason: 'best_quality_feasible' });
  });

  it("gives a premium tenant the high-quality model through its tier's quality floor", async () => {
    const premium = await inferFeatures(system.oip, 'answer', featureRow(4), { metadata: PREMIUM_KEY });
    expect(premium).toMatchObject({ model: 'precise', tenant: 'acme', budgetMs: 500 });
    const standard = await inferFeatures(system.oip, 'answer', featureRow(4), { metadata: STANDARD_KEY });
    expect(standard).toMatchObject({ model: 'thrifty', tenant: 'bobs', budgetMs: 1_000 });
  });

  it('serves a timeout parameter that is not a whole number of milliseconds', async () => {
    const answer = await inferFeatures(system.oip, 'answer', featureRow(13), {
      metadata: STANDARD_KEY,
      parameters: { timeout: { int64_param: 2_000_500 } },
    });
    expect(answer).toMatchObject({ model: 'thrifty', budgetMs: expect.closeTo(2_000.5, 0) });
  });

  it('degrades to the fastest model when nothing fits and the route degrades', async () => {
    const answer = await inferFeatures(system.oip, 'answer', featureRow(5), {
      metadata: STANDARD_KEY,
      parameters: { sla_ms: { int64_param: 2 } },
    });
    expect(answer).toMatchObject({ model: 'swift', reason: 'degraded_fastest' });
  });

  it('refuses with DEADLINE_EXCEEDED naming the budget when no model is fast enough', async () => {
    const refusal = inferFeatures(system.oip, 'answer-strict', featureRow(6), {
      metadata: STANDARD_KEY,
      parameters: { sla_ms: { int64_param: 2 } },
    });
    await expect(refusal).rejects.toMatchObject({
      code: status.DEADLINE_EXCEEDED,
      details: expect.stringMatching(/within the 2 ms latency budget \(from the sla_ms parameter\).*swift/),
    });
  });

  it('refuses with RESOURCE_EXHAUSTED naming max_cost when the cost cap is the tightest constraint', async () => {
    const refusal = inferFeatures(system.oip, 'answer-strict', featureRow(7), {
      metadata: STANDARD_KEY,
      parameters: { max_cost: { double_param: 0.000001 } },
    });
    await expect(refusal).rejects.toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: expect.stringMatching(/max_cost \$0\.00000100.*the cheapest, thrifty, costs \$0\.00000500/),
    });
  });

  it('refuses with RESOURCE_EXHAUSTED naming min_quality when the floor is the tightest constraint', async () => {
    const refusal = inferFeatures(system.oip, 'answer-strict', featureRow(8), {
      metadata: STANDARD_KEY,
      parameters: { min_quality: { double_param: 0.99 } },
    });
    await expect(refusal).rejects.toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: expect.stringMatching(/min_quality 0\.99.*precise/),
    });
  });

  it('chooses among candidates by their conditions on complexity and tier', async () => {
    const small = await inferFeatures(system.oip, 'answer-sized', featureRow(9), { metadata: PREMIUM_KEY });
    expect(small.model).toBe('swift');
    const batch = [...featureRow(10), ...featureRow(11)];
    const large = await inferFeatures(system.oip, 'answer-sized', batch, { metadata: PREMIUM_KEY });
    expect(large.model).toBe('precise');
    await expect(
      inferFeatures(system.oip, 'answer-sized', batch, { metadata: STANDARD_KEY }),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining(
        'no model of route "answer-sized" accepts a structured request of complexity 8 from tier "standard"',
      ),
    });
  });

  it('answers UNAUTHENTICATED to a request without a key or with an unknown key', async () => {
    await expect(inferFeatures(system.oip, 'answer', featureRow(12))).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
      details: expect.stringContaining('requires an API key'),
    });
    await expect(
      inferFeatures(system.oip, 'answer', featureRow(12), {
        metadata: { 'x-api-key': 'not-a-real-key-123456' },
      }),
    ).rejects.toMatchObject({ code: status.UNAUTHENTICATED, details: expect.stringContaining('not known') });
  });
});
