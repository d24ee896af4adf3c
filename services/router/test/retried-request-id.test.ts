import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fromBinary } from '@bufbuild/protobuf';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { findFreePort } from '@switchboard/local-infra';
import { BatchRecordSchema } from '@switchboard/protocol';
import { testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { createOipClient } from './support/oip-client.js';
import type { OipClient } from './support/oip-client.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';
import { waitForHeldJobs } from './support/wait-for-held-jobs.js';

const ROUTER_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const UNAVAILABLE = 14;
/** Long enough to kill the first router while the worker runs its job. */
const MODEL_MS = 1_500;

const request = (id: string, features: number[], model = 'slow') => ({
  model_name: model,
  id,
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: features } }],
});

describe('a request id retried after its router died', () => {
  let system: TestSystem;
  let nats: NatsConnection;
  let doomedRouter: ChildProcess | undefined;
  let doomedClient: OipClient | undefined;
  /** Jobs of `slow` the worker executed, summed from its batch telemetry. */
  let executed = 0;
  /** The same for `late`. */
  let executedLate = 0;

  beforeAll(async () => {
    system = await startTestSystem('retried-id');
    await system.registry.registerModel({
      model: syntheticSpec('slow', { base_latency_ms: String(MODEL_MS) }, 1),
    });
    await system.startWorker(['slow']);
    await system.waitUntilReady('slow');
    // No worker until the last test starts one: its first job expires in the queue.
    await system.registry.registerModel({ model: syntheticSpec('late', { base_latency_ms: '10' }, 1) });
    nats = await connect({ servers: testInfrastructure().natsUrl });
    nats.subscribe(system.names.telemetryBatchSubject('slow'), {
      callback: (_error, message) => {
        const batch = fromBinary(BatchRecordSchema, message.data);
        executed += batch.size - batch.failed;
      },
    });
    nats.subscribe(system.names.telemetryBatchSubject('late'), {
      callback: (_error, message) => {
        const batch = fromBinary(BatchRecordSchema, message.data);
        executedLate += batch.size - batch.failed;
      },
    });
  });

  afterAll(async () => {
    doomedClient?.close();
    doomedRouter?.kill('SIGKILL');
    await nats?.close();
    await system?.stop();
  });

  /** A second router, as its own process, in the system's namespace: the one that will die. */
  async function startDoomedRouter(): Promise<OipClient> {
    const port = await findFreePort();
    doomedRouter = spawn(process.execPath, [ROUTER_MAIN], {
      env: {
        ...process.env,
        ...system.environment,
        ROUTER_HOST: '127.0.0.1',
        ROUTER_PORT: String(port),
        ROUTER_ID: 'doomed',
      },
      stdio: 'ignore',
    });
    const client = createOipClient(`127.0.0.1:${port}`);
    await waitFor(
      async () =>
        ((await client.call('ServerReady', {}).catch(() => ({ ready: false }))) as { ready: boolean }).ready,
      {
        timeoutMs: 15_000,
        message: 'the second router never became ready',
      },
    );
    return client;
  }

  it('answers the retry through another router from the first execution, without a second', async () => {
    doomedClient = await startDoomedRouter();
    const executedBefore = executed;
    const first = doomedClient.call('ModelInfer', request('order-42', [4, 2, 0, 1]), { timeoutMs: 10_000 });
    // The worker holds the job: the router dies mid-flight, and its client sees UNAVAILABLE.
    await waitForHeldJobs(system.names, 'slow', 1);
    doomedRouter?.kill('SIGKILL');
    await expect(first).rejects.toMatchObject({ code: UNAVAILABLE });

    const retried = await system.oip.call<{ id: string; outputs: unknown[] }>(
      'ModelInfer',
      request('order-42', [4, 2, 0, 1]),
      { timeoutMs: 10_000 },
    );

    expect(retried.id).toBe('order-42');
    expect(retried.outputs).toHaveLength(1);
    // Telemetry of any second batch would have arrived by now: the first took MODEL_MS.
    await new Promise((resolve) => setTimeout(resolve, MODEL_MS + 500));
    expect(executed - executedBefore).toBe(1);
  }, 30_000);

  it('runs a different request that reuses an id, and answers a repeat of an answered one from the cache', async () => {
    const executedBefore = executed;
    type Answer = { outputs: unknown[]; raw_output_contents: unknown[] };
    const answer = await system.oip.call<Answer>('ModelInfer', request('reused', [1, 1, 1, 1]), {
      timeoutMs: 10_000,
    });
    // Same id, other inputs: another request (Triton's clients number theirs from 0 every run).
    await system.oip.call('ModelInfer', request('reused', [2, 2, 2, 2]), { timeoutMs: 10_000 });
    await expect.poll(() => executed - executedBefore).toBe(2);

    const startedAt = performance.now();
    const repeat = await system.oip.call<Answer>('ModelInfer', request('reused', [1, 1, 1, 1]), {
      timeoutMs: 10_000,
    });
    // The first execution's outputs (the router's own parameters, such as the budget, are new).
    expect(repeat.outputs).toEqual(answer.outputs);
    expect(repeat.raw_output_contents).toEqual(answer.raw_output_contents);
    // From the cache: well under one execution's time, and nothing ran.
    expect(performance.now() - startedAt).toBeLessThan(MODEL_MS / 2);
    await new Promise((resolve) => setTimeout(resolve, MODEL_MS + 500));
    expect(executed - executedBefore).toBe(2);
  }, 30_000);

  it('runs a retry whose first job expired unexecuted in the queue, once', async () => {
    const DEADLINE_EXCEEDED = 4;
    const late = request('late-1', [3, 3, 3, 3], 'late');
    await expect(system.oip.call('ModelInfer', late, { timeoutMs: 300 })).rejects.toMatchObject({
      code: DEADLINE_EXCEEDED,
    });
    // The worker starts, finds the job expired and answers it unexecuted (stored for the retry).
    await system.startWorker(['late']);
    await system.waitUntilReady('late');

    const retried = await system.oip.call<{ outputs: unknown[] }>('ModelInfer', late, { timeoutMs: 10_000 });

    expect(retried.outputs).toHaveLength(1);
    await expect.poll(() => executedLate).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(executedLate).toBe(1);
  }, 30_000);
});
