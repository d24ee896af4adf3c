import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceError } from '@grpc/grpc-js';
import { readRetryDelayMs } from '@switchboard/grpc';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { inferFeatures } from './support/infer-features.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const RESOURCE_EXHAUSTED = 8;
const DEADLINE_EXCEEDED = 4;
/** 4 jobs per 25 ms: 160 requests a second. */
const STEADY_MS = 25;
/** One job per 200 ms: 5 requests a second. */
const SLOW_MS = 200;
const MAX_DEADLINE_MS = 2_000;
/**
 * A refusal is an answer at once: no queueing, no NATS round trip once a tenant is blocked. Its
 * median says so; its tail is the machine's (client, router and worker share one process).
 */
const REFUSAL_P50_MS = 50;
/** The deadlines of the overload and the flood tests' requests. */
const OVERLOAD_DEADLINE_MS = 1_000;
const FLOOD_DEADLINE_MS = 2_000;
/** The light tenant's SLO: its tier's latency budget. */
const LIGHT_P99_SLO_MS = 1_000;
const TIERS = {
  standard: { slaMs: LIGHT_P99_SLO_MS },
  limited: { slaMs: 1_000, ratePerSecond: 20 },
  narrow: { slaMs: 1_000, maxConcurrent: 2 },
};
const TENANTS = {
  light: { tier: 'standard', key: 'light-tenant-key-0001' },
  flood: { tier: 'limited', key: 'flood-tenant-key-0002' },
  narrow: { tier: 'narrow', key: 'narrow-tenant-key-0003' },
} as const;
type TenantName = keyof typeof TENANTS;

/** How one call ended: answered, or refused with its status, message and RetryInfo delay. */
type Outcome =
  | { ok: true; ms: number }
  | { ok: false; ms: number; code: number; details: string; retryDelayMs: number | undefined };

function quantile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN;
}

describe('admission: overload, rate limits, concurrency and the deadline cap, through the router on real JetStream', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('admission', {
      ROUTER_AUTH: 'required',
      ROUTER_TIERS: JSON.stringify(TIERS),
      ROUTER_DEFAULT_TIMEOUT: '1s',
      ROUTER_MAX_DEADLINE: `${MAX_DEADLINE_MS}ms`,
    });
    await system.registry.registerModel({
      model: syntheticSpec('steady', { base_latency_ms: String(STEADY_MS) }, 4),
    });
    await system.registry.registerModel({
      model: syntheticSpec('slow', { base_latency_ms: String(SLOW_MS) }, 1),
    });
    // Registered, never served: its requests wait for a worker until their deadline.
    await system.registry.registerModel({ model: syntheticSpec('unserved', { base_latency_ms: '1' }) });
    for (const [name, { tier, key }] of Object.entries(TENANTS)) {
      await system.registry.putTenant({ tenant: { name, tier, apiKey: key } });
    }
    await system.startWorker(['steady', 'slow']);
    // Ready once a tenant's request is answered (readiness calls need a key when auth is on).
    for (const model of ['steady', 'slow']) {
      await waitFor(async () => (await call('light', model, 0, 2_000)).ok, {
        timeoutMs: 15_000,
        message: `model ${model} never answered`,
      });
    }
  });

  afterAll(async () => {
    await system?.stop();
  });

  /** Sends one request as `tenant` and says how it ended, decoding any RetryInfo as a client would. */
  async function call(tenant: TenantName, model: string, index: number, timeoutMs: number): Promise<Outcome> {
    const startedAt = performance.now();
    const metadata = { authorization: `Bearer ${TENANTS[tenant].key}` };
    try {
      await inferFeatures(system.oip, model, [index % 7, 0.5, -0.5, 1], { metadata, timeoutMs });
      return { ok: true, ms: performance.now() - startedAt };
    } catch (error) {
      const { code, details, metadata: trailers } = error as ServiceError;
      return {
        ok: false,
        ms: performance.now() - startedAt,
        code,
        details,
        retryDelayMs: readRetryDelayMs(trailers),
      };
    }
  }

  const refusals = (outcomes: Outcome[]) => outcomes.filter((outcome) => !outcome.ok);

  it('refuses what the model cannot answer before the deadline at once, with RESOURCE_EXHAUSTED and RetryInfo, and answers what it accepted', async () => {
    // 30 requests at once on a model that serves 5 a second, each with one second to live.
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, index) => call('light', 'slow', index, OVERLOAD_DEADLINE_MS)),
    );

    const answered = outcomes.filter((outcome) => outcome.ok);
    const refused = refusals(outcomes);
    expect(answered.length).toBeGreaterThanOrEqual(2);
    expect(answered.length).toBeLessThanOrEqual(6);
    expect(refused.length).toBe(outcomes.length - answered.length);
    for (const refusal of refused) {
      expect(refusal).toMatchObject({
        code: RESOURCE_EXHAUSTED,
        details: expect.stringMatching(/overloaded.*retry in \d+ ms/),
      });
      expect(refusal.retryDelayMs).toBeGreaterThan(0);
    }
    // At once: 30 calls reach one process together, so the last are refused only after the others
    // were decoded and planned, yet well before the deadline they would have waited out.
    const refusedMs = refused.map((refusal) => refusal.ms);
    expect(quantile(refusedMs, 0.99)).toBeLessThan(OVERLOAD_DEADLINE_MS / 2);
    // Nothing accepted was left to time out.
    expect(outcomes.some((outcome) => !outcome.ok && outcome.code === DEADLINE_EXCEEDED)).toBe(false);
  });

  it("refuses a tenant at 10x its rate limit fast with RetryInfo while another tenant's P99 stays within its SLO", async () => {
    const RUN_MS = 3_000;
    const FLOOD_RPS = 10 * TIERS.limited.ratePerSecond;
    const LIGHT_RPS = 10;
    const calls: Array<Promise<[TenantName, Outcome]>> = [];
    const startedAt = performance.now();
    let flooded = 0;
    let light = 0;
    // Open loop: requests go out on schedule, whether or not earlier ones were answered.
    for (let elapsedMs = 0; elapsedMs < RUN_MS; elapsedMs = performance.now() - startedAt) {
      for (; flooded < (elapsedMs * FLOOD_RPS) / 1_000; flooded += 1)
        calls.push(call('flood', 'steady', flooded, FLOOD_DEADLINE_MS).then((outcome) => ['flood', outcome]));
      for (; light < (elapsedMs * LIGHT_RPS) / 1_000; light += 1)
        calls.push(call('light', 'steady', light, FLOOD_DEADLINE_MS).then((outcome) => ['light', outcome]));
      await sleep(2);
    }
    const results = await Promise.all(calls);
    const of = (tenant: TenantName) =>
      results.filter(([name]) => name === tenant).map(([, outcome]) => outcome);

    const lightOutcomes = of('light');
    expect(refusals(lightOutcomes)).toEqual([]);
    expect(
      quantile(
        lightOutcomes.map((outcome) => outcome.ms),
        0.99,
      ),
    ).toBeLessThanOrEqual(LIGHT_P99_SLO_MS);
    const floodOutcomes = of('flood');
    const floodAnswered = floodOutcomes.filter((outcome) => outcome.ok).length;
    // 20 a second for 3 s, give or take the fixed window's edges.
    expect(floodAnswered).toBeGreaterThanOrEqual(40);
    expect(floodAnswered).toBeLessThanOrEqual(100);
    const floodRefused = refusals(floodOutcomes);
    expect(floodRefused.length).toBe(floodOutcomes.length - floodAnswered);
    for (const refusal of floodRefused) {
      expect(refusal).toMatchObject({
        code: RESOURCE_EXHAUSTED,
        details: expect.stringMatching(/over the limited tier's rate of 20 requests\/s/),
      });
      expect(refusal.retryDelayMs).toBeGreaterThan(0);
      expect(refusal.retryDelayMs).toBeLessThanOrEqual(1_000);
    }
    const floodRefusedMs = floodRefused.map((refusal) => refusal.ms);
    expect(quantile(floodRefusedMs, 0.5)).toBeLessThan(REFUSAL_P50_MS);
    expect(quantile(floodRefusedMs, 0.99)).toBeLessThan(FLOOD_DEADLINE_MS / 2);
  }, 30_000);

  it("refuses a tenant's requests beyond its tier's concurrency limit with RetryInfo, and takes more once its requests are answered", async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, index) => call('narrow', 'slow', index, 2_000)),
    );

    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(2);
    for (const refusal of refusals(outcomes)) {
      expect(refusal).toMatchObject({
        code: RESOURCE_EXHAUSTED,
        details: expect.stringMatching(/2 requests in flight, the narrow tier's limit/),
      });
      expect(refusal.retryDelayMs).toBeGreaterThan(0);
    }
    expect(await call('narrow', 'slow', 7, 2_000)).toMatchObject({ ok: true });
  });

  it('clamps a deadline beyond ROUTER_MAX_DEADLINE to the cap', async () => {
    // An hour asked for; a model nobody serves; the answer comes at the cap, not in an hour.
    const outcome = await call('light', 'unserved', 0, 3_600_000);

    expect(outcome).toMatchObject({
      ok: false,
      code: DEADLINE_EXCEEDED,
      details: expect.stringMatching(/within the \d+ ms deadline/),
    });
    expect(outcome.ms).toBeGreaterThan(MAX_DEADLINE_MS - 100);
    expect(outcome.ms).toBeLessThan(MAX_DEADLINE_MS + 1_000);
  });
});
