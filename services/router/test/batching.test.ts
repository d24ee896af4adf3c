import { create, fromBinary } from '@bufbuild/protobuf';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { classifierSpec, fromRawFloat32, runReferenceModel, toRawFloat32 } from '@switchboard/models/testing';
import { BatchRecordSchema, BatchingMode, BatchingSpecSchema } from '@switchboard/protocol';
import type { BatchRecord } from '@switchboard/protocol';
import { testInfrastructure } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const CONCURRENT_REQUESTS = 32;

describe('dynamic batching in the worker', () => {
  let system: TestSystem;
  let nats: NatsConnection;
  const batches: BatchRecord[] = [];

  beforeAll(async () => {
    system = await startTestSystem('batching');
    nats = await connect({ servers: testInfrastructure().natsUrl });
    nats.subscribe(system.names.telemetryBatchSubject('classifier-large'), {
      callback: (_error, message) => {
        batches.push(fromBinary(BatchRecordSchema, message.data));
      },
    });
    const large = classifierSpec('classifier-large');
    // A 20 ms window lets concurrent requests meet in one batch even on a busy machine.
    await system.registry.registerModel({
      model: {
        ...large,
        batching: create(BatchingSpecSchema, {
          mode: BatchingMode.DYNAMIC,
          maxBatchSize: 16,
          maxQueueDelayUs: 20_000,
        }),
      },
    });
    await system.startWorker(['classifier-large']);
    await system.waitUntilReady('classifier-large');
  });

  afterAll(async () => {
    await nats?.close();
    await system?.stop();
  });

  it('forms batches larger than one under 32 concurrent requests and gives each request its own answer', async () => {
    const path = classifierSpec('classifier-large').artifact;
    const inputs = Array.from({ length: CONCURRENT_REQUESTS }, (_, index) => [
      Math.sin(index),
      Math.cos(index * 0.7),
      index / CONCURRENT_REQUESTS - 0.5,
      (index % 5) / 5,
    ]);
    const responses = await Promise.all(
      inputs.map((features, index) =>
        system.oip.call<{ id: string; raw_output_contents: Buffer[] }>('ModelInfer', {
          model_name: 'classifier-large',
          id: `request-${index}`,
          inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4] }],
          raw_input_contents: [toRawFloat32(features)],
        }),
      ),
    );
    responses.forEach((response, index) => {
      expect(response.id).toBe(`request-${index}`);
      const expected = runReferenceModel(path, Float32Array.from(inputs[index] ?? []), 1);
      fromRawFloat32(response.raw_output_contents[0] ?? Buffer.alloc(0)).forEach((value, column) =>
        expect(value).toBeCloseTo(expected[column] ?? NaN, 5),
      );
    });
    await nats.flush();
    const sizes = batches.map((batch) => batch.size);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(CONCURRENT_REQUESTS);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(batches.every((batch) => batch.model === 'classifier-large' && batch.executeUs > 0n)).toBe(true);
  });
});
