import { syntheticSpec, toRawFloat32 } from '@switchboard/models/testing';
import { StatsWindow, UNKNOWN_NAME } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProcessSystem } from './support/process-system.js';
import type { ProcessSystem } from './support/process-system.js';

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const RESOURCE_EXHAUSTED = 8;
const UNKNOWN_NAMES = 20_000;
const CONCURRENCY = 64;
/**
 * How much the monitor's live memory may grow over 20,000 unknown names: one more group with its
 * histograms. A group per name would cost tens of KiB each: hundreds of MB.
 */
const MONITOR_GROWTH_BOUND_BYTES = 16 * 1024 ** 2;

const validRequest = {
  model_name: 'echo',
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4] }],
  raw_input_contents: [toRawFloat32([1, 2, 3, 4])],
};

/** Runs `count` calls of `call`, `concurrency` at a time. */
async function runConcurrently(
  count: number,
  concurrency: number,
  call: (index: number) => Promise<unknown>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await call(next++);
    }),
  );
}

describe('clients that send what no one should', () => {
  let system: ProcessSystem;

  beforeAll(async () => {
    system = await startProcessSystem('hostile', {
      models: [syntheticSpec('echo', { base_latency_ms: '1' })],
    });
  }, 90_000);

  afterAll(async () => {
    await system?.stop();
  });

  afterEach(() => {
    for (const service of Object.values(system.services))
      expect(service.isAlive(), `${service.name} is alive`).toBe(true);
    expect(system.incidents()).toEqual([]);
  });

  const infer = (request: object) =>
    system.oip.call('ModelInfer', { ...validRequest, ...request }, { timeoutMs: 5_000 });

  it('answers a model name with a space or a newline, and the router keeps serving', async () => {
    for (const name of ['echo model', 'echo\nmodel', 'echo\r\nPUB x 1']) {
      await expect(infer({ model_name: name })).rejects.toMatchObject({ code: INVALID_ARGUMENT });
    }
    // The telemetry of those answers is flushed 20 ms later: give it the chance to break something.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(infer({})).resolves.toMatchObject({ model_name: 'echo' });
  });

  it('answers a 100 KB model name without the router losing its NATS connection', async () => {
    await expect(infer({ model_name: 'm'.repeat(100_000) })).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(infer({})).resolves.toMatchObject({ model_name: 'echo' });
  });

  it('refuses a 100 KB request id and 10,000 parameters, and serves the next request', async () => {
    await expect(infer({ id: 'i'.repeat(100_000) })).rejects.toMatchObject({ code: INVALID_ARGUMENT });
    const parameters = Object.fromEntries(
      Array.from({ length: 10_000 }, (_, index) => [`p${index}`, { string_param: 'v' }]),
    );
    await expect(infer({ parameters })).rejects.toMatchObject({ code: RESOURCE_EXHAUSTED });
    await expect(infer({})).resolves.toMatchObject({ model_name: 'echo' });
  });

  it(`keeps the monitor's memory bounded over ${UNKNOWN_NAMES} different unknown model names, counted as one`, async () => {
    const monitor = system.services.monitor;
    const liveBefore = await monitor.liveBytes();
    const unknownCount = async () => {
      const { requests } = await system.monitor.getStats({
        window: StatsWindow.SINCE_START,
        model: UNKNOWN_NAME,
      });
      return requests.reduce((sum, stats) => sum + Number(stats.count), 0);
    };
    const countBefore = await unknownCount();

    await runConcurrently(UNKNOWN_NAMES, CONCURRENCY, (index) =>
      expect(infer({ model_name: `made-up-${index}` })).rejects.toMatchObject({ code: NOT_FOUND }),
    );

    await waitFor(async () => (await unknownCount()) >= countBefore + UNKNOWN_NAMES, {
      timeoutMs: 30_000,
      message: 'the monitor to count every unknown request',
    });
    const { requests } = await system.monitor.getStats({ window: StatsWindow.SINCE_START });
    expect(requests.filter((stats) => stats.model.startsWith('made-up'))).toEqual([]);
    const growth = (await monitor.liveBytes()) - liveBefore;
    expect(growth).toBeLessThan(MONITOR_GROWTH_BOUND_BYTES);
  }, 120_000);
});
