import { randomUUID } from 'node:crypto';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { syntheticSpec, toRawFloat32 } from '@switchboard/models/testing';
import { DEFAULT_PRIORITY } from '@switchboard/nats';
import { JobSchema, LoadSnapshotSchema, ModelInferRequestSchema } from '@switchboard/protocol';
import { testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureRow, inferFeatures } from './support/infer-features.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const SLA_MS = 400;
const FLOOD_JOBS = 200;
const ROUTE_REQUESTS = 60;
const LANES = 4;

describe('load-aware selection', () => {
  let system: TestSystem;
  let nats: NatsConnection;
  /** Jobs of the primary model queued or held by a worker, as the monitor last reported. */
  let primaryBacklog = 0;

  beforeAll(async () => {
    system = await startTestSystem('load');
    nats = await connect({ servers: testInfrastructure().natsUrl });
    nats.subscribe(system.names.monitorLoadSubject, {
      callback: (_error, message) => {
        const snapshot = fromBinary(LoadSnapshotSchema, message.data);
        const primary = snapshot.models.find((load) => load.model === 'primary');
        primaryBacklog = Number((primary?.pending ?? 0n) + (primary?.inFlight ?? 0n));
      },
    });
    // The cheap model serves one job at a time (20 ms each); the dearer one is fast and batches.
    await system.registry.registerModel({
      model: syntheticSpec('primary', { base_latency_ms: '20' }, 1, { costMicros: 1, quality: 0.8 }),
    });
    await system.registry.registerModel({
      model: syntheticSpec('secondary', { base_latency_ms: '5' }, 8, { costMicros: 50, quality: 0.8 }),
    });
    await system.registry.putRoute({
      route: { name: 'elastic', candidates: [{ model: 'primary' }, { model: 'secondary' }] },
    });
    await system.startMonitor();
    await system.startWorker(['primary', 'secondary']);
    await system.waitUntilReady('primary');
    await system.waitUntilReady('secondary');
  });

  afterAll(async () => {
    await nats?.close();
    await system?.stop();
  });

  /** Queues jobs on the primary model as another router would, so only monitor.load can reveal them. */
  async function floodPrimary(): Promise<void> {
    const { model } = await system.registry.getModel({ name: 'primary' });
    const request = toBinary(
      ModelInferRequestSchema,
      create(ModelInferRequestSchema, {
        modelName: 'primary',
        inputs: [{ name: 'features', datatype: 'FP32', shape: [1n, 4n] }],
        rawInputContents: [toRawFloat32(featureRow(0))],
      }),
    );
    const client = jetstream(nats);
    const subject = system.names.inferSubject('primary', DEFAULT_PRIORITY);
    for (let index = 0; index < FLOOD_JOBS; index += 1) {
      const job = create(JobSchema, {
        requestId: randomUUID(),
        model: 'primary',
        version: model?.version ?? '',
        request,
        replyTo: `${system.names.replyPrefix}.elsewhere`,
        deadlineUnixMs: BigInt(Date.now() + 60_000),
        enqueuedUnixMs: BigInt(Date.now()),
        priority: DEFAULT_PRIORITY,
      });
      await client.publish(subject, toBinary(JobSchema, job));
    }
  }

  it('moves traffic off a flooded model to its feasible alternative and keeps the route inside its SLA', async () => {
    const parameters = { sla_ms: { int64_param: SLA_MS } };
    const calm = await inferFeatures(system.oip, 'elastic', featureRow(1), { parameters });
    expect(calm.model).toBe('primary');

    await floodPrimary();
    await waitFor(() => primaryBacklog > FLOOD_JOBS / 2, {
      timeoutMs: 10_000,
      message: 'the monitor never reported the flooded queue',
    });
    const latenciesMs: number[] = [];
    const models: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < ROUTE_REQUESTS) {
        next += 1;
        const startedAt = performance.now();
        const answer = await inferFeatures(system.oip, 'elastic', featureRow(next), { parameters });
        latenciesMs.push(performance.now() - startedAt);
        models.push(answer.model);
      }
    };
    await Promise.all(Array.from({ length: LANES }, lane));
    expect(models.filter((model) => model === 'secondary').length).toBeGreaterThanOrEqual(
      ROUTE_REQUESTS * 0.95,
    );
    const sorted = latenciesMs.sort((left, right) => left - right);
    const p99 = sorted[Math.ceil(sorted.length * 0.99) - 1] ?? Infinity;
    expect(p99).toBeLessThan(SLA_MS);
  });
});
