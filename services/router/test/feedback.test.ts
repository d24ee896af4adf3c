import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { create, toBinary } from '@bufbuild/protobuf';
import { status } from '@grpc/grpc-js';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createLogger } from '@switchboard/logging';
import { DecisionRecordSchema, FeedbackService } from '@switchboard/protocol';
import type { FeedbackRecord } from '@switchboard/protocol';
import {
  DEFAULT_FEATURE_SETTINGS,
  featurisePrompt,
  openDecisionsBucket,
  openPolicyStore,
  publishPolicy,
} from '@switchboard/routing-policy';
import { testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionKey } from '@switchboard/routing-policy';
import { syntheticTextSpec } from '@switchboard/models/testing';
import { loadConfig, startRouter } from '../src/index.js';
import { inferText } from './support/infer-text.js';
import { TEST_FEATURES, testPolicy } from './support/learned-policies.js';
import { collectRequestRecords, readFeedbackRecords } from './support/nats-records.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const ROUTE = 'answers';
const LEARNED_ROUTE = 'answers-learned';
const candidates = [{ model: 'brief' }, { model: 'thorough' }];

/** The sorted, distinct feature indices a decision record holds for `prompt`. */
function distinctFeatures(prompt: string, settings = DEFAULT_FEATURE_SETTINGS): number[] {
  return [...new Set(featurisePrompt(prompt, settings))].sort((left, right) => left - right);
}

describe('the Feedback service', () => {
  let system: TestSystem;
  let nats: NatsConnection;
  let feedback: GrpcClient<typeof FeedbackService>;

  beforeAll(async () => {
    system = await startTestSystem('feedback');
    nats = await connect({ servers: testInfrastructure().natsUrl });
    await system.registry.registerModel({
      model: {
        ...syntheticTextSpec('brief', { base_latency_ms: '2' }),
        costPerCallMicros: 10n,
        qualityScore: 0.7,
      },
    });
    await system.registry.registerModel({
      model: {
        ...syntheticTextSpec('thorough', { base_latency_ms: '5' }),
        costPerCallMicros: 200n,
        qualityScore: 0.9,
      },
    });
    await system.registry.putRoute({ route: { name: ROUTE, candidates } });
    await system.registry.putRoute({ route: { name: LEARNED_ROUTE, candidates } });
    await system.startWorker(['brief', 'thorough']);
    await system.waitUntilReady('brief');
    await system.waitUntilReady('thorough');
    feedback = createGrpcClient(FeedbackService, system.routerAddress);
  });

  afterAll(async () => {
    feedback?.close();
    await nats?.close();
    await system?.stop();
  });

  /** The FEEDBACK stream's records about `requestId`, once `count` are there. */
  async function feedbackAbout(requestId: string, count = 1): Promise<FeedbackRecord[]> {
    let found: FeedbackRecord[] = [];
    await waitFor(
      async () => {
        found = (await readFeedbackRecords(nats, system.names)).filter(
          (record) => record.decision?.requestId === requestId,
        );
        return found.length >= count;
      },
      { timeoutMs: 5_000, message: `${count} feedback records about ${requestId}` },
    );
    return found;
  }

  it('joins feedback to the decision that served the request, features and all, on the FEEDBACK stream', async () => {
    const id = `rules-${randomUUID()}`;
    const prompt = 'Summarise the plot of Hamlet in two sentences.';
    const answer = await inferText(system.oip, ROUTE, prompt, {
      id,
      parameters: { sla_ms: { int64_param: 2_000 } },
    });
    expect(answer).toMatchObject({ model: 'brief', requestId: id, reason: 'cheapest_feasible' });

    const response = await feedback.feedback({ requestId: id, score: 0.8, label: 'helpful' });
    expect(response).toMatchObject({ model: 'brief', duplicate: false });
    const [record] = await feedbackAbout(id);
    expect(record).toMatchObject({ score: 0.8, label: 'helpful' });
    expect(record?.decision).toMatchObject({
      route: ROUTE,
      model: 'brief',
      tenant: 'anonymous',
      tier: 'standard',
      policyVersion: 0n,
      propensity: 1,
      costMicros: 10,
      sloMissed: false,
      statusCode: 0,
      escalated: false,
      budgetUs: 2_000_000n,
    });
    // Without a policy the record carries the default features, so the optimizer learns from rules too.
    expect(record?.decision?.featureIndices).toEqual(distinctFeatures(prompt));
    expect(record?.decision?.confidence).toBeCloseTo(0.9, 5);
    expect(Number(record?.decision?.latencyUs)).toBeGreaterThan(0);
  });

  it("joins feedback under the policy's version, propensity and features, and the router's id when the request had none", async () => {
    const { records, subscription } = collectRequestRecords(nats, system.names);
    const store = await openPolicyStore(nats, system.names);
    await publishPolicy(
      store,
      testPolicy({
        route: LEARNED_ROUTE,
        version: 3,
        exploration: 0.5,
        models: { brief: { logit: 0.2 }, thorough: { logit: 0.4 } },
      }),
    );
    const prompt = 'Which is heavier, a kilogram of feathers or a kilogram of lead?';
    let answer = await inferText(system.oip, LEARNED_ROUTE, prompt);
    await waitFor(
      async () => (answer = await inferText(system.oip, LEARNED_ROUTE, prompt)).reason === 'learned_policy',
      { timeoutMs: 3_000, message: 'the policy applied' },
    );
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);

    expect(await feedback.feedback({ requestId: answer.requestId, score: 1 })).toMatchObject({
      model: answer.model,
    });
    const [record] = await feedbackAbout(answer.requestId);
    await waitFor(() => records.some((telemetry) => telemetry.requestId === answer.requestId), {
      timeoutMs: 2_000,
      message: 'the request record',
    });
    subscription.unsubscribe();
    const telemetry = records.find((request) => request.requestId === answer.requestId);
    expect(telemetry).toMatchObject({ policyVersion: 3n, reason: 'learned_policy', model: answer.model });
    expect(record?.decision).toMatchObject({
      model: answer.model,
      policyVersion: 3n,
      propensity: telemetry?.propensity,
    });
    expect(record?.decision?.propensity).toBeGreaterThan(0);
    expect(record?.decision?.propensity).toBeLessThanOrEqual(1);
    expect(record?.decision?.featureIndices).toEqual(distinctFeatures(prompt, TEST_FEATURES));
  });

  it('joins feedback sent minutes after the answer, to a router that did not answer the request', async () => {
    const id = `late-${randomUUID()}`;
    const answeredUnixMs = BigInt(Date.now() - 20 * 60_000);
    // As a router wrote it twenty minutes ago: nothing of it is in any router's memory.
    const bucket = await openDecisionsBucket(nats, system.names);
    const decision = create(DecisionRecordSchema, {
      requestId: id,
      route: ROUTE,
      model: 'thorough',
      tenant: 'anonymous',
      tier: 'standard',
      propensity: 1,
      featureIndices: [1, 2, 3],
      answeredUnixMs,
    });
    await bucket.put(decisionKey('anonymous', id), toBinary(DecisionRecordSchema, decision));
    const other = await startRouter(
      loadConfig({ ...system.environment, ROUTER_HOST: '127.0.0.1', ROUTER_PORT: '0' }),
      createLogger({ service: 'test', level: 'silent' }),
    );
    const otherFeedback = createGrpcClient(FeedbackService, `127.0.0.1:${other.port}`);
    try {
      expect(await otherFeedback.feedback({ requestId: id, score: 0.25 })).toMatchObject({
        model: 'thorough',
        duplicate: false,
      });
    } finally {
      otherFeedback.close();
      await other.stop();
    }
    const [record] = await feedbackAbout(id);
    expect(record?.decision).toMatchObject({ model: 'thorough', answeredUnixMs, featureIndices: [1, 2, 3] });
    expect(record?.score).toBe(0.25);
  });

  it('joins feedback that arrives out of order to the request each one names', async () => {
    const first = `order-a-${randomUUID()}`;
    const second = `order-b-${randomUUID()}`;
    const cheap = await inferText(system.oip, ROUTE, 'Say hello.', { id: first });
    const dear = await inferText(system.oip, ROUTE, 'Say hello, carefully.', {
      id: second,
      parameters: { min_quality: { double_param: 0.85 } },
    });
    expect([cheap.model, dear.model]).toEqual(['brief', 'thorough']);

    expect(await feedback.feedback({ requestId: second, score: 0.9 })).toMatchObject({ model: 'thorough' });
    expect(await feedback.feedback({ requestId: first, score: 0.1 })).toMatchObject({ model: 'brief' });
    const [late] = await feedbackAbout(first);
    const [early] = await feedbackAbout(second);
    expect(late?.decision).toMatchObject({ model: 'brief', featureIndices: distinctFeatures('Say hello.') });
    expect(late?.score).toBe(0.1);
    expect(early?.decision?.model).toBe('thorough');
    expect(early?.score).toBe(0.9);
  });

  it('stores feedback sent twice once and says the second was a duplicate', async () => {
    const id = `twice-${randomUUID()}`;
    await inferText(system.oip, ROUTE, 'Name a prime number.', { id });
    expect(await feedback.feedback({ requestId: id, score: 0.7 })).toMatchObject({ duplicate: false });
    expect(await feedback.feedback({ requestId: id, score: 0.7 })).toMatchObject({ duplicate: true });
    await sleep(200);
    expect(await feedbackAbout(id)).toHaveLength(1);
  });

  it('joins feedback that arrives before the decision record is written, within a second', async () => {
    const id = `early-${randomUUID()}`;
    const bucket = await openDecisionsBucket(nats, system.names);
    const decision = create(DecisionRecordSchema, {
      requestId: id,
      route: ROUTE,
      model: 'brief',
      propensity: 1,
    });
    const sent = feedback.feedback({ requestId: id, score: 0.5 });
    await sleep(300);
    await bucket.put(decisionKey('anonymous', id), toBinary(DecisionRecordSchema, decision));
    expect(await sent).toMatchObject({ model: 'brief' });
  });

  it('answers NOT_FOUND for a request id no decision is known for', async () => {
    const startedAt = performance.now();
    await expect(feedback.feedback({ requestId: `never-${randomUUID()}`, score: 0.5 })).rejects.toMatchObject(
      {
        code: status.NOT_FOUND,
        details: expect.stringContaining('no decision for request id "never-'),
      },
    );
    // It looked again for a second, in case the answer's record was still being written.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(900);
  });

  it('answers INVALID_ARGUMENT for a score outside [0, 1] or not a number, and for an oversized id or label', async () => {
    const id = `invalid-${randomUUID()}`;
    await inferText(system.oip, ROUTE, 'Count to three.', { id });
    for (const score of [-0.01, 1.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(feedback.feedback({ requestId: id, score })).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: expect.stringContaining('score must be a number in [0, 1]'),
      });
    }
    for (const requestId of ['', 'x'.repeat(257)]) {
      await expect(feedback.feedback({ requestId, score: 0.5 })).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: expect.stringContaining('request_id must be 1 to 256 bytes'),
      });
    }
    await expect(
      feedback.feedback({ requestId: id, score: 0.5, label: 'é'.repeat(65) }),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('label must be at most 128 bytes'),
    });
    await sleep(200);
    expect(
      (await readFeedbackRecords(nats, system.names)).some((record) => record.decision?.requestId === id),
    ).toBe(false);
  });
});
