import { create, toBinary } from '@bufbuild/protobuf';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { LearnedPolicySchema, PolicyAnnouncementSchema } from '@switchboard/protocol';
import { openPolicyStore, policyToMessage, publishPolicy } from '@switchboard/routing-policy';
import type { PolicyStore } from '@switchboard/routing-policy';
import { testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticTextSpec } from '@switchboard/models/testing';
import { inferText } from './support/infer-text.js';
import type { TextAnswer } from './support/infer-text.js';
import { testPolicy } from './support/learned-policies.js';
import type { ModelBelief } from './support/learned-policies.js';
import { collectRequestRecords } from './support/nats-records.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const POEM = 'Write a haiku about the sea at night.';
const PROOF = 'Give a proof that there are infinitely many primes.';
const BREAKER_FAILURES = 2;
/** Proof prompts make the cheap model hopeless; it is slightly better at everything else. */
const KNOWS_ITS_LIMITS: Record<string, ModelBelief> = {
  lexicon: { logit: 2, words: { proof: -6 } },
  scholar: { logit: 1.5 },
};

interface LogLine {
  msg: string;
  route?: string;
  version?: string;
}

describe('learned routing policies', () => {
  let system: TestSystem;
  let nats: NatsConnection;
  let store: PolicyStore;
  const logLines: LogLine[] = [];

  beforeAll(async () => {
    const logger = createLogger({
      service: 'test',
      level: 'info',
      destination: { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) },
    });
    system = await startTestSystem(
      'learned',
      { ROUTER_BREAKER_FAILURES: String(BREAKER_FAILURES), ROUTER_BREAKER_HALF_OPEN_AFTER: '60s' },
      logger,
    );
    nats = await connect({ servers: testInfrastructure().natsUrl });
    store = await openPolicyStore(nats, system.names);
    const text = (name: string, options: Record<string, string>, costMicros: number, quality: number) => ({
      ...syntheticTextSpec(name, options),
      latencyPriorMs: Number(options['base_latency_ms'] ?? 0),
      costPerCallMicros: BigInt(costMicros),
      qualityScore: quality,
    });
    await system.registry.registerModel({ model: text('lexicon', { base_latency_ms: '2' }, 10, 0.6) });
    await system.registry.registerModel({ model: text('scholar', { base_latency_ms: '5' }, 500, 0.95) });
    await system.registry.registerModel({ model: text('shaky', { failure_rate: '1' }, 20, 0.7) });
    const both = [{ model: 'lexicon' }, { model: 'scholar' }];
    for (const name of ['ask', 'lavish', 'frugal'])
      await system.registry.putRoute({ route: { name, candidates: both } });
    await system.registry.putRoute({
      route: { name: 'fragile', candidates: [{ model: 'shaky' }, { model: 'lexicon' }] },
    });
    // One delivery per job: a failing model answers its failure at once.
    await system.startWorker(['lexicon', 'scholar', 'shaky'], { WORKER_MAX_ATTEMPTS: '1' });
    for (const model of ['lexicon', 'scholar', 'shaky']) await system.waitUntilReady(model);
  });

  afterAll(async () => {
    await nats?.close();
    await system?.stop();
  });

  /** Publishes a hand-written policy and waits until `route` answers under it. */
  async function publishAndWait(route: string, version: number, models: Record<string, ModelBelief>) {
    await publishPolicy(store, testPolicy({ route, version, models }));
    const { records, subscription } = collectRequestRecords(nats, system.names);
    try {
      await waitFor(
        async () => {
          await inferText(system.oip, route, POEM);
          return records.some((record) => record.route === route && record.policyVersion === BigInt(version));
        },
        { timeoutMs: 3_000, intervalMs: 20, message: `version ${version} of ${route}'s policy applied` },
      );
    } finally {
      subscription.unsubscribe();
    }
  }

  it('applies a published policy within a second: each prompt goes to the model it prefers, with its version in telemetry', async () => {
    expect(await inferText(system.oip, 'ask', PROOF)).toMatchObject({
      model: 'lexicon',
      reason: 'cheapest_feasible',
    });

    await publishPolicy(store, testPolicy({ route: 'ask', version: 1, models: KNOWS_ITS_LIMITS }));
    const publishedAt = performance.now();
    await waitFor(async () => (await inferText(system.oip, 'ask', PROOF)).reason === 'learned_policy', {
      timeoutMs: 3_000,
      intervalMs: 10,
      message: 'the policy applied',
    });
    expect(performance.now() - publishedAt).toBeLessThan(1_000);

    const { records, subscription } = collectRequestRecords(nats, system.names);
    expect(await inferText(system.oip, 'ask', PROOF, { id: 'proof-1' })).toMatchObject({
      model: 'scholar',
      reason: 'learned_policy',
    });
    expect(await inferText(system.oip, 'ask', POEM, { id: 'poem-1' })).toMatchObject({
      model: 'lexicon',
      reason: 'learned_policy',
    });
    await waitFor(() => records.length >= 2, { timeoutMs: 2_000, message: 'two request records' });
    subscription.unsubscribe();
    expect(records.find((record) => record.model === 'scholar')).toMatchObject({
      route: 'ask',
      reason: 'learned_policy',
      policyVersion: 1n,
      propensity: 1,
    });
  });

  it('applies newer versions and keeps the one it has when a newer one cannot be applied, logging that once', async () => {
    await publishAndWait('lavish', 2, { lexicon: { logit: -1 }, scholar: { logit: 2 } });
    expect(await inferText(system.oip, 'lavish', POEM)).toMatchObject({
      model: 'scholar',
      reason: 'learned_policy',
    });

    // Version 3 comes from a featuriser this router does not know.
    const message = policyToMessage(testPolicy({ route: 'lavish', version: 3, models: KNOWS_ITS_LIMITS }));
    message.features = { ...message.features!, featuriserVersion: 99 };
    await store.weights.putBlob({ name: 'lavish/3' }, toBinary(LearnedPolicySchema, message));
    const announcement = create(PolicyAnnouncementSchema, {
      route: 'lavish',
      version: 3n,
      object: 'lavish/3',
    });
    await store.announcements.put('lavish', toBinary(PolicyAnnouncementSchema, announcement));
    const refusals = () =>
      logLines.filter((line) => line.msg.startsWith('learned policy not applied') && line.route === 'lavish');
    await waitFor(() => refusals().length > 0, { timeoutMs: 3_000, message: 'the refusal logged' });
    const { records, subscription } = collectRequestRecords(nats, system.names);
    expect(await inferText(system.oip, 'lavish', POEM)).toMatchObject({
      model: 'scholar',
      reason: 'learned_policy',
    });
    await waitFor(() => records.length > 0, { timeoutMs: 2_000, message: 'the request record' });
    subscription.unsubscribe();
    expect(records[0]?.policyVersion).toBe(2n);

    // A good version after the bad one is applied; an older one announced again is not.
    await publishAndWait('lavish', 4, KNOWS_ITS_LIMITS);
    expect(await inferText(system.oip, 'lavish', POEM)).toMatchObject({ model: 'lexicon' });
    await publishPolicy(
      store,
      testPolicy({ route: 'lavish', version: 2, models: { scholar: { logit: 3 } } }),
    );
    await publishAndWait('ask', 5, KNOWS_ITS_LIMITS);
    expect(await inferText(system.oip, 'lavish', POEM)).toMatchObject({ model: 'lexicon' });
    expect(refusals()).toHaveLength(1);
  });

  it('never picks a model the rules find infeasible: over the cost cap, under the quality floor, or behind an open circuit', async () => {
    await publishAndWait('frugal', 1, { lexicon: { logit: 3 }, scholar: { logit: 0 } });
    await publishAndWait('ask', 6, { lexicon: { logit: -2 }, scholar: { logit: 3 } });

    const capped = { max_cost: { double_param: 0.0001 } };
    expect(await inferText(system.oip, 'ask', PROOF, { parameters: capped })).toMatchObject({
      model: 'lexicon',
      reason: 'learned_policy',
      tried: ['lexicon'],
    });
    const floored = { min_quality: { double_param: 0.9 } };
    expect(await inferText(system.oip, 'frugal', POEM, { parameters: floored })).toMatchObject({
      model: 'scholar',
      reason: 'learned_policy',
      tried: ['scholar'],
    });

    // The preferred model fails until its circuit opens; then it is not even tried.
    await publishPolicy(store, testPolicy({ route: 'fragile', version: 1, models: { shaky: { logit: 4 } } }));
    const answers: TextAnswer[] = [];
    await waitFor(
      async () => {
        answers.push(await inferText(system.oip, 'fragile', POEM));
        return answers.at(-1)?.reason === 'learned_policy';
      },
      { timeoutMs: 3_000, intervalMs: 10, message: 'the policy applied and the circuit open' },
    );
    const fallbacks = answers.filter((answer) => answer.reason === 'fallback');
    expect(fallbacks).toHaveLength(BREAKER_FAILURES);
    for (const answer of fallbacks)
      expect(answer).toMatchObject({ model: 'lexicon', tried: ['shaky', 'lexicon'] });
    for (let request = 0; request < 5; request += 1) {
      expect(await inferText(system.oip, 'fragile', POEM)).toMatchObject({
        model: 'lexicon',
        reason: 'learned_policy',
        tried: ['lexicon'],
      });
    }
  });

  it("keeps the rules' answer when no model is feasible: the fastest, degraded", async () => {
    await publishAndWait('ask', 7, { lexicon: { logit: -2 }, scholar: { logit: 3 } });
    expect(
      await inferText(system.oip, 'ask', POEM, { parameters: { sla_ms: { double_param: 0.5 } } }),
    ).toMatchObject({ model: 'lexicon', reason: 'degraded_fastest' });
  });
});
