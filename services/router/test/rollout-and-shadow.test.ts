import { fromBinary } from '@bufbuild/protobuf';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { BatchRecordSchema, RequestRecordSchema } from '@switchboard/protocol';
import type { RequestRecord } from '@switchboard/protocol';
import { testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { featureRow, inferFeatures } from './support/infer-features.js';
import type { SelectionAnswer } from './support/infer-features.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const CANARY_REQUESTS = 5_000;
const CONCURRENCY = 64;
const VERSION_REQUESTS = 1_000;
/** The shadow model's tell: no other model answers with this confidence. */
const SHADOW_CONFIDENCE = 0.123;

/** Sends `ids.length` requests to `route`, `CONCURRENCY` at a time, keyed by the given request ids. */
async function sendAll(
  system: TestSystem,
  route: string,
  ids: string[],
): Promise<Map<string, SelectionAnswer>> {
  const answers = new Map<string, SelectionAnswer>();
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      answers.set(id, await inferFeatures(system.oip, route, featureRow(next), { id }));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return answers;
}

describe('rollouts and shadow traffic', () => {
  let system: TestSystem;
  let nats: NatsConnection;
  const shadowRecords: RequestRecord[] = [];
  /** Jobs the workers ran per version of `versioned`, from its batch records. */
  const versionedBatchSizes = new Map<string, number>();

  beforeAll(async () => {
    system = await startTestSystem('rollout');
    nats = await connect({ servers: testInfrastructure().natsUrl });
    nats.subscribe(system.names.telemetryRequestSubject('observer'), {
      callback: (_error, message) => {
        shadowRecords.push(fromBinary(RequestRecordSchema, message.data));
      },
    });
    const models = [
      syntheticSpec('stable', {}, 16, { costMicros: 10 }),
      syntheticSpec('canary', {}, 16, { costMicros: 10 }),
      syntheticSpec('observer', { confidence_mean: String(SHADOW_CONFIDENCE) }, 16, { costMicros: 10 }),
    ];
    for (const model of models) await system.registry.registerModel({ model });
    await system.registry.putRoute({
      route: {
        name: 'canaried',
        candidates: [{ model: 'stable', rollout: [{ model: 'canary', percent: 10 }] }],
      },
    });
    await system.registry.putRoute({
      route: {
        name: 'shadowed',
        candidates: [{ model: 'stable' }],
        shadows: [{ model: 'observer', percent: 100 }],
      },
    });
    // Version 2 of `versioned` is current; an arm keeps 90% of the route on version 1.
    await system.registry.registerModel({ model: syntheticSpec('versioned', {}, 16, { costMicros: 10 }) });
    await system.registry.updateModel({
      model: { ...syntheticSpec('versioned', {}, 16, { costMicros: 10 }), version: '2' },
    });
    await system.registry.putRoute({
      route: {
        name: 'versioned-split',
        candidates: [{ model: 'versioned', rollout: [{ version: '1', percent: 90 }] }],
      },
    });
    nats.subscribe(system.names.telemetryBatchSubject('versioned'), {
      callback: (_error, message) => {
        const batch = fromBinary(BatchRecordSchema, message.data);
        versionedBatchSizes.set(batch.version, (versionedBatchSizes.get(batch.version) ?? 0) + batch.size);
      },
    });
    await system.startWorker(['stable', 'canary', 'observer', 'versioned']);
    for (const model of ['stable', 'canary', 'observer', 'versioned']) await system.waitUntilReady(model);
  });

  afterAll(async () => {
    await nats?.close();
    await system?.stop();
  });

  it('sends a 10% canary 10% ± 2% of 5,000 requests, the same arm for the same request id', async () => {
    const ids = Array.from({ length: CANARY_REQUESTS }, (_, index) => `request-${index}`);
    const answers = await sendAll(system, 'canaried', ids);
    const toCanary = [...answers.values()].filter((answer) => answer.model === 'canary').length;
    expect(toCanary / CANARY_REQUESTS).toBeGreaterThanOrEqual(0.08);
    expect(toCanary / CANARY_REQUESTS).toBeLessThanOrEqual(0.12);

    const again = await sendAll(system, 'canaried', ids.slice(0, 500));
    for (const [id, answer] of again) expect(answer.model).toBe(answers.get(id)?.model);
  });

  it('splits a route between two versions of one model, and each version really runs', async () => {
    const ids = Array.from({ length: VERSION_REQUESTS }, (_, index) => `versioned-${index}`);
    const answers = await sendAll(system, 'versioned-split', ids);
    const onVersionOne = [...answers.values()].filter((answer) => answer.version === '1').length;
    expect(onVersionOne / VERSION_REQUESTS).toBeGreaterThanOrEqual(0.86);
    expect(onVersionOne / VERSION_REQUESTS).toBeLessThanOrEqual(0.94);
    await waitFor(
      () => (versionedBatchSizes.get('1') ?? 0) + (versionedBatchSizes.get('2') ?? 0) >= VERSION_REQUESTS,
      { timeoutMs: 10_000, message: 'batch records of both versions never arrived' },
    );
    expect(versionedBatchSizes.get('1')).toBe(onVersionOne);
    expect(versionedBatchSizes.get('2')).toBe(VERSION_REQUESTS - onVersionOne);
  });

  it('measures shadow answers and never returns them to the client', async () => {
    const ids = Array.from({ length: 50 }, (_, index) => `shadowed-${index}`);
    const answers = await sendAll(system, 'shadowed', ids);
    for (const answer of answers.values()) {
      expect(answer.model).toBe('stable');
      expect(answer.tried).toEqual(['stable']);
      expect(answer.confidences[0]).not.toBeCloseTo(SHADOW_CONFIDENCE, 3);
    }
    await waitFor(() => shadowRecords.length >= ids.length, {
      timeoutMs: 10_000,
      message: 'shadow answers were never recorded',
    });
    expect(shadowRecords).toHaveLength(ids.length);
    for (const record of shadowRecords) {
      expect(record).toMatchObject({ shadow: true, route: 'shadowed', model: 'observer', statusCode: 0 });
      expect(record.confidence).toBeCloseTo(SHADOW_CONFIDENCE, 3);
    }
  });
});
