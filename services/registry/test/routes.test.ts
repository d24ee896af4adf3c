import { create } from '@bufbuild/protobuf';
import { createLogger } from '@switchboard/logging';
import {
  CascadeSpecSchema,
  InfeasibleAction,
  Modality,
  RegistryChangeKind,
  RouteSpecSchema,
  SelectionObjective,
} from '@switchboard/protocol';
import type { RouteSpec } from '@switchboard/protocol';
import { startRegistrySnapshot } from '@switchboard/registry-snapshot';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryFixture } from '../src/testing/index.js';
import type { RegistryFixture } from '../src/testing/index.js';
import { classifierSpec } from './classifier-spec.js';

const MODELS = ['text-small', 'text-large', 'text-canary', 'text-beta', 'text-shadow'];

/** A route using every field RouteSpec has, with values that are not round in binary. */
function fullRoute(): RouteSpec {
  return create(RouteSpecSchema, {
    name: 'chat',
    description: 'small first, large for premium or long prompts',
    candidates: [
      {
        model: 'text-small',
        conditions: { modalities: [Modality.TEXT], minComplexity: 0, maxComplexity: 512.5 },
        rollout: [
          { model: 'text-canary', percent: 12.5 },
          { model: 'text-beta', percent: 0.1 },
        ],
      },
      {
        model: 'text-large',
        conditions: {
          modalities: [Modality.TEXT, Modality.STRUCTURED],
          minComplexity: 100.25,
          tiers: ['premium', 'standard'],
        },
      },
    ],
    policy: {
      objective: SelectionObjective.BEST_QUALITY,
      whenInfeasible: InfeasibleAction.REFUSE,
      minQuality: 0.85,
      maxAttempts: 4,
    },
    cascade: { confidenceThreshold: 0.8, maxSteps: 2 },
    shadows: [{ model: 'text-shadow', percent: 33.3 }],
  });
}

/** The parts of a RouteSpec a client sets, for comparing what it sent with what it gets back. */
function withoutUpdateTime(route: RouteSpec | undefined): RouteSpec | undefined {
  return route === undefined ? undefined : create(RouteSpecSchema, { ...route, updatedAtUnixMs: 0n });
}

describe('registry routes', () => {
  let fixture: RegistryFixture;

  beforeAll(async () => {
    fixture = await startRegistryFixture('routes');
    for (const name of MODELS) await fixture.client.registerModel({ model: classifierSpec({ name }) });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('round-trips a route with conditions, rollout arms, policy, cascade and shadows through Postgres, the bucket and GetRoute', async () => {
    const sent = fullRoute();

    const { route: stored } = await fixture.client.putRoute({ route: sent });

    expect(withoutUpdateTime(stored)).toEqual(sent);
    expect(stored?.updatedAtUnixMs).toBeGreaterThan(0n);
    expect((await fixture.client.getRoute({ name: 'chat' })).route).toEqual(stored);
    expect(await fixture.routeInBucket('chat')).toEqual(stored);
    expect((await fixture.client.listRoutes({})).routes).toContainEqual(stored);
    const event = await waitFor(() => fixture.events.find((change) => change.name === 'chat'));
    expect(event).toMatchObject({ kind: RegistryChangeKind.ROUTE, deleted: false });
  });

  it('answers with the stored form, leaving out conditions, policy and cascade that say nothing', async () => {
    const { route } = await fixture.client.putRoute({
      route: {
        name: 'plain',
        candidates: [{ model: 'text-small', conditions: {} }, { model: 'text-large' }],
        policy: {},
        cascade: { confidenceThreshold: 0 },
      },
    });

    expect(route?.candidates.map((candidate) => candidate.conditions)).toEqual([undefined, undefined]);
    expect(route?.policy).toBeUndefined();
    expect(route?.cascade).toBeUndefined();
    expect(await fixture.routeInBucket('plain')).toEqual(route);
  });

  it('replaces arms and shadows on a second put, so a model dropped from them can be deleted', async () => {
    await fixture.client.registerModel({ model: classifierSpec({ name: 'short-lived' }) });
    await fixture.client.putRoute({
      route: {
        name: 'trial',
        candidates: [{ model: 'text-small', rollout: [{ model: 'short-lived', percent: 50 }] }],
        shadows: [{ model: 'text-large', percent: 100 }],
      },
    });

    const { route } = await fixture.client.putRoute({
      route: { name: 'trial', candidates: [{ model: 'text-small' }] },
    });
    await fixture.client.deleteModel({ name: 'short-lived' });

    expect(route?.candidates).toEqual([expect.objectContaining({ model: 'text-small', rollout: [] })]);
    expect(route?.shadows).toEqual([]);
    expect(await fixture.routeInBucket('trial')).toEqual(route);
    expect(await fixture.modelInBucket('short-lived')).toBeUndefined();
  });

  it("round-trips arms serving other versions, filling an arm's empty model in with its candidate's", async () => {
    await fixture.client.registerModel({ model: classifierSpec({ name: 'text-versioned' }) });
    await fixture.client.updateModel({
      model: classifierSpec({ name: 'text-versioned', version: '2', artifact: 'models/v2.onnx' }),
    });

    const { route: stored } = await fixture.client.putRoute({
      route: {
        name: 'versions',
        candidates: [
          {
            model: 'text-versioned',
            rollout: [
              { version: '1', percent: 10 },
              { model: 'text-large', version: '1', percent: 5 },
              { model: 'text-large', percent: 2.5 },
            ],
          },
        ],
      },
    });

    expect(
      stored?.candidates[0]?.rollout.map(({ model, version, percent }) => [model, version, percent]),
    ).toEqual([
      ['text-versioned', '1', 10],
      ['text-large', '1', 5],
      ['text-large', '', 2.5],
    ]);
    expect((await fixture.client.getRoute({ name: 'versions' })).route).toEqual(stored);
    expect(await fixture.routeInBucket('versions')).toEqual(stored);
  });

  it('stores a model’s latency priors and mirrors them to the bucket', async () => {
    const { model } = await fixture.client.registerModel({
      model: classifierSpec({ name: 'timed', latencyPriorMs: 0.2, latencyPriorPerUnitUs: 1.5 }),
    });

    expect(model).toMatchObject({ latencyPriorMs: 0.2, latencyPriorPerUnitUs: 1.5 });
    expect(await fixture.modelInBucket('timed')).toEqual(model);
    const { model: updated } = await fixture.client.updateModel({
      model: classifierSpec({ name: 'timed', latencyPriorMs: 3 }),
    });
    expect(updated).toMatchObject({ latencyPriorMs: 3, latencyPriorPerUnitUs: 0 });
  });

  it('lets a RegistrySnapshot list routes and follow a route being replaced', async () => {
    const logger = createLogger({ service: 'test', level: 'silent' });
    const snapshot = await startRegistrySnapshot(fixture.connection, fixture.names, logger);
    try {
      expect(snapshot.listRoutes().map((route) => route.name)).toContain('chat');
      const changed = fullRoute();
      changed.cascade = create(CascadeSpecSchema, { confidenceThreshold: 0.5 });
      await fixture.client.putRoute({ route: changed });
      const seen = await waitFor(() =>
        snapshot.getRoute('chat')?.cascade?.confidenceThreshold === 0.5
          ? snapshot.getRoute('chat')
          : undefined,
      );
      expect(seen?.candidates[0]?.rollout).toHaveLength(2);
    } finally {
      await snapshot.stop();
    }
  });
});
