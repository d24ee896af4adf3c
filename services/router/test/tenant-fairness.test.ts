import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceError } from '@grpc/grpc-js';
import { readRetryDelayMs } from '@switchboard/grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { inferFeatures } from './support/infer-features.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const MODEL = 'shared-model';
/** Every batch takes this long on the synthetic runtime, whatever its size. */
const BATCH_MS = 25;
const MAX_BATCH_SIZE = 4;
/** 4 jobs per 25 ms: the model serves at most 160 requests a second. */
const CAPACITY_RPS = (MAX_BATCH_SIZE * 1_000) / BATCH_MS;
const FLOOD_RPS = 2 * CAPACITY_RPS;
const LIGHT_RPS = 10;
const RUN_MS = 3_000;
/** The light tenant's P99 objective: a few batch times (and a loaded CI machine's stalls), however long the flood's queue grows. */
const LIGHT_P99_SLO_MS = 400;
const RESOURCE_EXHAUSTED = 8;
const FLOOD_KEY = { authorization: 'Bearer flood-tenant-key-0001' };
const LIGHT_KEY = { authorization: 'Bearer light-tenant-key-0002' };

/** The `fraction` quantile of `values`. */
function quantile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN;
}

describe('tenant fairness in batch formation, through the router on real JetStream', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('tenant-fairness', { ROUTER_AUTH: 'required' });
    await system.registry.registerModel({
      model: syntheticSpec(MODEL, { base_latency_ms: String(BATCH_MS) }, MAX_BATCH_SIZE),
    });
    await system.registry.putTenant({
      tenant: { name: 'flood', tier: 'standard', apiKey: FLOOD_KEY.authorization.slice(7) },
    });
    await system.registry.putTenant({
      tenant: { name: 'light', tier: 'standard', apiKey: LIGHT_KEY.authorization.slice(7) },
    });
    await system.startWorker([MODEL]);
    await system.waitUntilReady(MODEL, FLOOD_KEY);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it("keeps a light tenant's P99 within its SLO, and never refuses it, while another tenant floods the model at twice its capacity", async () => {
    /** Latency of each answered request, ms, with when it was sent (ms from the start). */
    const latencies = { flood: [] as Array<{ sentAtMs: number; ms: number }>, light: [] as number[] };
    /** Flood requests admission refused, each with the retry delay its RetryInfo carried. */
    const floodRefusals: Array<number | undefined> = [];
    const calls: Array<Promise<void>> = [];
    const send = (tenant: 'flood' | 'light', index: number, sentAtMs: number) => {
      const startedAt = performance.now();
      const metadata = tenant === 'flood' ? FLOOD_KEY : LIGHT_KEY;
      const features = [index % 7, 0.5, -0.5, tenant === 'flood' ? 1 : 0];
      calls.push(
        inferFeatures(system.oip, MODEL, features, { metadata, timeoutMs: 60_000 }).then(
          (answer) => {
            expect(answer.tenant).toBe(tenant);
            const ms = performance.now() - startedAt;
            if (tenant === 'light') latencies.light.push(ms);
            else latencies.flood.push({ sentAtMs, ms });
          },
          (error: ServiceError) => {
            // Admission may refuse the flood (never the light tenant), always with a retry delay.
            if (tenant === 'light' || error.code !== RESOURCE_EXHAUSTED) throw error;
            floodRefusals.push(readRetryDelayMs(error.metadata));
          },
        ),
      );
    };
    // Open loop: requests go out on schedule, whether or not earlier ones were answered.
    const startedAt = performance.now();
    let flooded = 0;
    let light = 0;
    for (let elapsedMs = 0; elapsedMs < RUN_MS; elapsedMs = performance.now() - startedAt) {
      for (; flooded < (elapsedMs * FLOOD_RPS) / 1_000; flooded += 1) send('flood', flooded, elapsedMs);
      for (; light < (elapsedMs * LIGHT_RPS) / 1_000; light += 1) send('light', light, elapsedMs);
      await sleep(2);
    }
    await Promise.all(calls);

    const lightP99Ms = quantile(latencies.light, 0.99);
    const lateFloodMs = latencies.flood
      .filter((entry) => entry.sentAtMs > RUN_MS - 500)
      .map((entry) => entry.ms);
    const lateFloodP50Ms = quantile(lateFloodMs, 0.5);
    expect(latencies.light).toHaveLength(light);
    expect(lightP99Ms).toBeLessThanOrEqual(LIGHT_P99_SLO_MS);
    expect(floodRefusals.every((retryDelayMs) => retryDelayMs !== undefined && retryDelayMs > 0)).toBe(true);
    // The flood was held back, not the light tenant: its last requests waited behind well over a
    // second of its own backlog, or admission refused some of it.
    expect(lateFloodP50Ms > 1_000 || floodRefusals.length > 0).toBe(true);
  }, 60_000);
});
