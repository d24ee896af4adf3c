import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { openPolicyStore, publishPolicy } from '@switchboard/routing-policy';
import { testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { featureRow, inferFeatures } from './support/infer-features.js';
import { testPolicy } from './support/learned-policies.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const ROUTE = 'steady';
/** Ten times the alternative's latency: a busy test machine does not make it miss by itself. */
const BUDGET_MS = 300;
/** Concurrent clients, each sending a request every LANE_INTERVAL_MS: about 60 requests a second. */
const LANES = 6;
const LANE_INTERVAL_MS = 100;
const WARM_MS = 3_000;
/** The bound on moving the traffic, and how long the misses are measured after it moved. */
const MOVE_WITHIN_MS = 30_000;
const MEASURE_MS = 15_000;
/**
 * Its traffic has moved once a 2-second window holds at most one request sent to it first: a
 * circuit trial, of which there is one every ROUTER_BREAKER_HALF_OPEN_AFTER (5 s).
 */
const MOVED_WINDOW_MS = 2_000;
const TRIALS_PER_WINDOW = 1;

interface Outcome {
  sentAtMs: number;
  /** The model that answered; empty when none did. */
  model: string;
  /** The model the router sent the request to first. */
  firstTried: string;
  missed: boolean;
}

const nimble = (latencyMs: number) =>
  syntheticSpec('nimble', { base_latency_ms: String(latencyMs) }, 4, {
    costMicros: 10,
    quality: 0.8,
    latencyPriorMs: 5,
  });

describe('a learned route whose preferred model slows down', () => {
  let system: TestSystem;
  let nats: NatsConnection;

  beforeAll(async () => {
    system = await startTestSystem('degrade');
    nats = await connect({ servers: testInfrastructure().natsUrl });
    await system.registry.registerModel({ model: nimble(5) });
    await system.registry.registerModel({
      model: syntheticSpec('sturdy', { base_latency_ms: '10' }, 8, { costMicros: 50, quality: 0.8 }),
    });
    await system.registry.putRoute({
      route: { name: ROUTE, candidates: [{ model: 'nimble' }, { model: 'sturdy' }] },
    });
    await system.startWorker(['nimble', 'sturdy']);
    await system.waitUntilReady('nimble');
    await system.waitUntilReady('sturdy');
    // The policy has learned that nimble answers better; nothing tells it about latency.
    const store = await openPolicyStore(nats, system.names);
    await publishPolicy(
      store,
      testPolicy({ route: ROUTE, version: 1, models: { nimble: { logit: 3 }, sturdy: { logit: 1 } } }),
    );
    await waitFor(
      async () => (await inferFeatures(system.oip, ROUTE, featureRow(0))).reason === 'learned_policy',
      {
        timeoutMs: 3_000,
        message: 'the policy applied',
      },
    );
  });

  afterAll(async () => {
    await nats?.close();
    await system?.stop();
  });

  /** Sends paced requests from LANES clients until `until()` says stop; every outcome is recorded. */
  async function sendTraffic(outcomes: Outcome[], until: () => boolean, startedAt: number): Promise<void> {
    const lane = async (laneIndex: number) => {
      for (let index = laneIndex; !until(); index += LANES) {
        const sentAt = performance.now();
        let model = '';
        let firstTried = '';
        try {
          const answer = await inferFeatures(system.oip, ROUTE, featureRow(index), {
            parameters: { sla_ms: { int64_param: BUDGET_MS } },
            timeoutMs: 2_000,
          });
          model = answer.model;
          firstTried = answer.tried[0] ?? '';
        } catch {
          // A failed request is an SLO miss, recorded below with no model.
        }
        const latencyMs = performance.now() - sentAt;
        outcomes.push({
          sentAtMs: sentAt - startedAt,
          model,
          firstTried,
          missed: model === '' || latencyMs > BUDGET_MS,
        });
        await sleep(Math.max(0, LANE_INTERVAL_MS - latencyMs));
      }
    };
    await Promise.all(Array.from({ length: LANES }, (_, laneIndex) => lane(laneIndex)));
  }

  /** When the degraded model's traffic first has moved (see MOVED_WINDOW_MS), in ms from the start. */
  function movedAtMs(outcomes: readonly Outcome[], fromMs: number): number | undefined {
    const after = outcomes
      .filter((outcome) => outcome.sentAtMs >= fromMs)
      .sort((a, b) => a.sentAtMs - b.sentAtMs);
    for (const first of after) {
      const window = after.filter(
        (outcome) =>
          outcome.sentAtMs >= first.sentAtMs && outcome.sentAtMs < first.sentAtMs + MOVED_WINDOW_MS,
      );
      const last = after.at(-1);
      if (last === undefined || last.sentAtMs < first.sentAtMs + MOVED_WINDOW_MS) return undefined;
      const degraded = window.filter((outcome) => outcome.firstTried === 'nimble').length;
      if (degraded <= TRIALS_PER_WINDOW) return first.sentAtMs;
    }
    return undefined;
  }

  it("moves the model's traffic to the alternative within 30 s, and the route's SLO misses fall under 1%", async () => {
    const outcomes: Outcome[] = [];
    const startedAt = performance.now();
    let degradedAtMs = Number.POSITIVE_INFINITY;
    let stopAtMs = Number.POSITIVE_INFINITY;
    const elapsedMs = () => performance.now() - startedAt;
    const traffic = sendTraffic(outcomes, () => elapsedMs() >= stopAtMs, startedAt);

    await sleep(WARM_MS);
    const warm = outcomes.filter((outcome) => outcome.sentAtMs < WARM_MS);
    expect(warm.filter((outcome) => outcome.model === 'nimble').length).toBeGreaterThan(warm.length * 0.95);
    // nimble now takes 800 ms: well past the 300 ms budget, though its registry prior still says 5 ms.
    degradedAtMs = elapsedMs();
    await system.registry.updateModel({ model: nimble(800) });
    let moved: number | undefined;
    await waitFor(() => (moved = movedAtMs(outcomes, degradedAtMs)) !== undefined, {
      timeoutMs: MOVE_WITHIN_MS + MOVED_WINDOW_MS,
      intervalMs: 200,
      message: "nimble's traffic moved",
    });
    stopAtMs = (moved ?? 0) + MEASURE_MS;
    await traffic;

    expect((moved ?? Infinity) - degradedAtMs).toBeLessThan(MOVE_WITHIN_MS);
    const measured = outcomes.filter((outcome) => outcome.sentAtMs >= (moved ?? 0));
    const misses = measured.filter((outcome) => outcome.missed).length;
    expect(measured.length).toBeGreaterThan(300);
    expect(misses / measured.length).toBeLessThan(0.01);
    expect(measured.filter((outcome) => outcome.model === 'sturdy').length).toBeGreaterThan(
      measured.length * 0.95,
    );
  }, 60_000);
});
