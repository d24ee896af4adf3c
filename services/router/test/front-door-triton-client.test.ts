import { setTimeout as sleep } from 'node:timers/promises';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { classifierModelSpecs } from '@switchboard/models';
import { toRawFloat32 } from '@switchboard/models/testing';
import { findFreePort, scrapeMetrics, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFrontDoorSystem } from './support/front-door-system.js';
import type { FrontDoorSystem } from './support/front-door-system.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';
import { createTritonClient } from './support/triton-client.js';
import type { TritonClient } from './support/triton-client.js';

/** A port nothing listens on once this resolves (bound, then released). */

const FEATURES = [0.3, -1.2, 0.8, 0.05];

function inferRequest(id: string, model = 'classifier-small') {
  return {
    model_name: model,
    id,
    inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4] }],
    raw_input_contents: [Buffer.from(toRawFloat32(FEATURES))],
  };
}

async function expectStatus(call: Promise<unknown>, code: number, message: RegExp): Promise<void> {
  const error = (await call.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as { code: number; details: string } | undefined;
  expect(error, 'the call should have failed').toBeDefined();
  expect({ code: error!.code, details: error!.details }).toMatchObject({
    code,
    details: expect.stringMatching(message),
  });
}

describe("the front door to a client built from Triton's own .proto files", () => {
  let system: TestSystem;
  let triton: TritonClient;
  let frontDoor: FrontDoorSystem | undefined;

  beforeAll(async () => {
    frontDoor = await startFrontDoorSystem('triton');
    system = frontDoor.system;
    triton = createTritonClient(system.routerAddress);
  }, 60_000);

  afterAll(async () => {
    triton?.close();
    await frontDoor?.stop();
  });

  it('keeps the six original RPCs working', async () => {
    expect(await triton.call('ServerLive', {})).toEqual({ live: true });
    expect(await triton.call('ModelReady', { name: 'classifier-small' })).toEqual({ ready: true });
    const response = await triton.call<{ id: string; outputs: unknown[] }>('ModelInfer', inferRequest('one'));
    expect(response.id).toBe('one');
    expect(response.outputs.length).toBeGreaterThan(0);
  });

  it("answers ModelConfig in Triton's ModelConfig message, from the registry", async () => {
    const small = classifierModelSpecs().find((model) => model.name === 'classifier-small')!;
    const { config } = await triton.call<{ config: Record<string, unknown> }>('ModelConfig', {
      name: 'classifier-small',
    });
    const batching = small.batching!;
    expect(config).toMatchObject({
      name: 'classifier-small',
      platform: 'onnxruntime_onnx',
      backend: 'onnxruntime',
      max_batch_size: batching.maxBatchSize,
    });
    const inputs = config.input as Array<{ name: string; data_type: string; dims: number[] }>;
    expect(inputs.map((input) => input.name)).toEqual(small.inputs.map((input) => input.name));
    expect(inputs[0]!.data_type).toBe(`TYPE_${small.inputs[0]!.datatype}`);
    expect(inputs[0]!.dims).toEqual(small.inputs[0]!.shape.slice(1).map(Number));
    expect((config.output as unknown[]).length).toBe(small.outputs.length);
    expect(config.dynamic_batching).toMatchObject({
      max_queue_delay_microseconds: batching.maxQueueDelayUs,
    });
    expect(config.version_policy).toBeDefined();
  });

  it('refuses ModelConfig for an unknown model with NOT_FOUND and a malformed name with INVALID_ARGUMENT', async () => {
    await expectStatus(
      triton.call('ModelConfig', { name: 'no-such-model' }),
      GrpcStatus.NOT_FOUND,
      /no model or route named "no-such-model"/,
    );
    await expectStatus(
      triton.call('ModelConfig', { name: '' }),
      GrpcStatus.INVALID_ARGUMENT,
      /model_name is required/,
    );
    await expectStatus(
      triton.call('ModelConfig', { name: 'Bad Name!' }),
      GrpcStatus.INVALID_ARGUMENT,
      /not a valid model or route name/,
    );
  });

  it('lists every model with its state in RepositoryIndex', async () => {
    const { models } = await triton.call<{ models: Array<{ name: string; state: string; reason: string }> }>(
      'RepositoryIndex',
      {},
    );
    expect(models.find((model) => model.name === 'classifier-small')).toMatchObject({ state: 'READY' });
    expect(models.find((model) => model.name === 'classifier-large')).toMatchObject({
      state: 'UNAVAILABLE',
      reason: expect.stringContaining('no live worker'),
    });
    const ready = await triton.call<{ models: Array<{ name: string }> }>('RepositoryIndex', { ready: true });
    expect(ready.models.map((model) => model.name)).toEqual(['classifier-small']);
    await expectStatus(
      triton.call('RepositoryIndex', { repository_name: 'models' }),
      GrpcStatus.INVALID_ARGUMENT,
      /repository_name must be empty/,
    );
  });

  it('counts inferences in ModelStatistics from the monitor', async () => {
    for (let index = 0; index < 3; index++) await triton.call('ModelInfer', inferRequest(`stats-${index}`));
    await waitFor(
      async () => {
        const { model_stats } = await triton.call<{ model_stats: Array<{ inference_count: number }> }>(
          'ModelStatistics',
          { name: 'classifier-small' },
        );
        return (model_stats[0]?.inference_count ?? 0) >= 3;
      },
      { timeoutMs: 15_000, message: 'ModelStatistics never counted the inferences' },
    );
    const { model_stats } = await triton.call<{
      model_stats: Array<{
        name: string;
        inference_stats: { success: { count: number; ns: number } };
        execution_count: number;
      }>;
    }>('ModelStatistics', { name: 'classifier-small' });
    expect(model_stats[0]!.name).toBe('classifier-small');
    expect(model_stats[0]!.inference_stats.success.count).toBeGreaterThanOrEqual(3);
    expect(model_stats[0]!.inference_stats.success.ns).toBeGreaterThan(0);
    await expectStatus(
      triton.call('ModelStatistics', { name: 'no-such-model' }),
      GrpcStatus.NOT_FOUND,
      /no-such-model/,
    );
    await expectStatus(
      triton.call('ModelStatistics', { name: 'a b' }),
      GrpcStatus.INVALID_ARGUMENT,
      /not a valid model/,
    );
  });

  it('refuses repository loads with a malformed name, and says when the resource manager is unreachable', async () => {
    await expectStatus(
      triton.call('RepositoryModelUnload', { model_name: 'Not A Name' }),
      GrpcStatus.INVALID_ARGUMENT,
      /not a valid model or route name/,
    );
    await expectStatus(
      triton.call('RepositoryModelLoad', {
        model_name: 'classifier-large',
        parameters: { config: { string_param: '{"max_batch_size": 8}' } },
      }),
      GrpcStatus.INVALID_ARGUMENT,
      /take no parameters \(got "config"\).*switchboard models register/,
    );
    await expectStatus(
      triton.call('RepositoryModelLoad', { model_name: '' }),
      GrpcStatus.INVALID_ARGUMENT,
      /model_name is required/,
    );
    await expectStatus(
      triton.call('RepositoryModelLoad', { model_name: 'classifier-large' }, { timeoutMs: 10_000 }),
      GrpcStatus.UNAVAILABLE,
      /resource manager.*ROUTER_RESOURCE_MANAGER_ADDRESS/,
    );
    await expectStatus(
      triton.call('RepositoryModelUnload', { model_name: 'classifier-large' }, { timeoutMs: 10_000 }),
      GrpcStatus.UNAVAILABLE,
      /resource manager/,
    );
  });

  it('answers the shared-memory, trace and log-settings RPCs UNIMPLEMENTED with the reason', async () => {
    const cases: Array<[string, RegExp]> = [
      ['SystemSharedMemoryStatus', /workers on other hosts/],
      ['SystemSharedMemoryRegister', /workers on other hosts/],
      ['SystemSharedMemoryUnregister', /workers on other hosts/],
      ['CudaSharedMemoryStatus', /CUDA/],
      ['CudaSharedMemoryRegister', /CUDA/],
      ['CudaSharedMemoryUnregister', /CUDA/],
      ['TraceSetting', /OpenTelemetry/],
      ['LogSettings', /LOG_LEVEL/],
    ];
    for (const [method, reason] of cases)
      await expectStatus(triton.call(method, {}), GrpcStatus.UNIMPLEMENTED, reason);
  });

  it('answers 1,000 requests over one ModelStreamInfer call, matched by id, the bad ones in error_message, while the stream stays open', async () => {
    const stream = triton.stream();
    const answers = new Map<
      string,
      { error_message: string; infer_response: { id: string; outputs: unknown[] } }
    >();
    const ended = new Promise<void>((resolve, reject) => {
      stream.on(
        'data',
        (response: { error_message: string; infer_response: { id: string; outputs: unknown[] } }) =>
          answers.set(response.infer_response.id, response),
      );
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    const isBad = (index: number) => index % 10 === 7;
    for (let index = 0; index < 1_000; index++) {
      const request = isBad(index)
        ? { ...inferRequest(`s-${index}`), inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 3] }] }
        : inferRequest(`s-${index}`);
      stream.write(request);
    }
    // Still open after the bad ones: one more request is answered before the client half-closes.
    await waitFor(async () => answers.size >= 1_000, {
      timeoutMs: 120_000,
      message: 'not every request was answered',
    });
    stream.write(inferRequest('after-errors'));
    await waitFor(async () => answers.has('after-errors'), {
      timeoutMs: 10_000,
      message: 'the stream closed after errors',
    });
    stream.end();
    await ended;
    expect(answers.size).toBe(1_001);
    for (let index = 0; index < 1_000; index++) {
      const answer = answers.get(`s-${index}`)!;
      if (isBad(index)) {
        expect(answer.error_message).toMatch(/^INVALID_ARGUMENT: .*features/);
      } else {
        expect(answer.error_message).toBe('');
        expect(answer.infer_response.outputs.length).toBeGreaterThan(0);
      }
    }
    expect(answers.get('after-errors')!.error_message).toBe('');
  }, 180_000);

  it('serves no more of a stream the client cancelled, and keeps serving other calls', async () => {
    const answered = async () =>
      (await scrapeMetrics(system.metricsPorts.router))
        .family('switchboard_inference_requests_total')
        .metrics.reduce((sum, sample) => sum + Number(sample.value ?? 0), 0);
    const before = await answered();
    const stream = triton.stream();
    let received = 0;
    const closed = new Promise<{ code: number }>((resolve) => {
      stream.on('data', () => {
        received += 1;
        if (received === 1) stream.cancel();
      });
      stream.on('error', resolve);
    });
    for (let index = 0; index < 2_000; index++) stream.write(inferRequest(`cancel-${index}`));
    expect((await closed).code).toBe(GrpcStatus.CANCELLED);
    // What was in flight when the client left finishes; nothing more is read.
    await sleep(2_000);
    const served = (await answered()) - before;
    expect(served).toBeLessThan(500);
    const after = await triton.call<{ id: string }>('ModelInfer', inferRequest('after-cancel'));
    expect(after.id).toBe('after-cancel');
  }, 60_000);
});

describe('ModelStatistics without a reachable monitor', () => {
  let system: TestSystem;
  let triton: TritonClient;

  beforeAll(async () => {
    system = await startTestSystem('tritonnomon', {
      ROUTER_MONITOR_ADDRESS: `127.0.0.1:${await findFreePort()}`,
    });
    for (const model of classifierModelSpecs()) await system.registry.registerModel({ model });
    triton = createTritonClient(system.routerAddress);
  }, 60_000);

  afterAll(async () => {
    triton?.close();
    await system?.stop();
  });

  it('answers UNAVAILABLE naming the monitor address it could not reach', async () => {
    await expectStatus(
      triton.call('ModelStatistics', { name: 'classifier-small' }, { timeoutMs: 15_000 }),
      GrpcStatus.UNAVAILABLE,
      /monitor, which did not answer at 127\.0\.0\.1:\d+ \(ROUTER_MONITOR_ADDRESS\)/,
    );
  });
});
