import { createLogger } from '@switchboard/logging';
import { BatchingMode, RegistryChangeKind } from '@switchboard/protocol';
import { RegistrySnapshot, openRegistryBucket } from '@switchboard/registry-snapshot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryFixture } from '../src/testing/index.js';
import { classifierSpec } from './classifier-spec.js';
import type { RegistryFixture } from '../src/testing/index.js';
import { waitFor } from '@switchboard/testkit';

describe('registry admin API', () => {
  let fixture: RegistryFixture;

  beforeAll(async () => {
    fixture = await startRegistryFixture('crud');
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const eventFor = (name: string, deleted: boolean) =>
    waitFor(() => fixture.events.find((event) => event.name === name && event.deleted === deleted));

  it('registers a model with version "1" by default and serves it from GetModel and ListModels', async () => {
    const { model } = await fixture.client.registerModel({ model: classifierSpec({ name: 'alpha' }) });

    expect(model).toMatchObject({
      name: 'alpha',
      version: '1',
      versions: ['1'],
      runtime: 'onnx',
      qualityScore: 0.8,
    });
    expect(model?.updatedAtUnixMs).toBeGreaterThan(0n);
    const fetched = await fixture.client.getModel({ name: 'alpha' });
    expect(fetched.model).toEqual(model);
    const listed = await fixture.client.listModels({});
    expect(listed.models.map((each) => each.name)).toContain('alpha');
  });

  it('mirrors a registered model into the registry bucket and announces it on registry.changed', async () => {
    const { model } = await fixture.client.registerModel({ model: classifierSpec({ name: 'bravo' }) });

    expect(await fixture.modelInBucket('bravo')).toEqual(model);
    const event = await eventFor('bravo', false);
    expect(event).toMatchObject({ kind: RegistryChangeKind.MODEL });
    expect(event?.atUnixMs).toBeGreaterThan(0n);
  });

  it('records a new version on update, lists versions oldest first and mirrors the new spec', async () => {
    await fixture.client.registerModel({ model: classifierSpec({ name: 'charlie' }) });

    const { model } = await fixture.client.updateModel({
      model: classifierSpec({
        name: 'charlie',
        version: '2',
        artifact: 'models/charlie-v2.onnx',
        qualityScore: 0.9,
      }),
    });

    expect(model).toMatchObject({
      version: '2',
      versions: ['1', '2'],
      artifact: 'models/charlie-v2.onnx',
      qualityScore: 0.9,
    });
    expect(await fixture.modelInBucket('charlie')).toEqual(model);
    const again = await fixture.client.updateModel({
      model: classifierSpec({
        name: 'charlie',
        version: '2',
        artifact: 'models/charlie-v2.onnx',
        qualityScore: 0.7,
      }),
    });
    expect(again.model).toMatchObject({ versions: ['1', '2'], qualityScore: 0.7 });
  });

  it("carries every version's artifact in GetModel, ListModels and the bucket, ignoring artifacts a client sends", async () => {
    await fixture.client.registerModel({
      model: classifierSpec({ name: 'golf', artifact: 'models/golf-v1.onnx' }),
    });

    await fixture.client.updateModel({
      model: classifierSpec({
        name: 'golf',
        version: '2',
        artifact: 'models/golf-v2.onnx',
        versionArtifacts: { '1': 'models/forged.onnx', '7': 'models/never-registered.onnx' },
      }),
    });

    const expected = { '1': 'models/golf-v1.onnx', '2': 'models/golf-v2.onnx' };
    const { model } = await fixture.client.getModel({ name: 'golf' });
    expect(model?.versionArtifacts).toEqual(expected);
    expect((await fixture.modelInBucket('golf'))?.versionArtifacts).toEqual(expected);
    const listed = (await fixture.client.listModels({})).models.find((each) => each.name === 'golf');
    expect(listed?.versionArtifacts).toEqual(expected);
  });

  it('stores a scaling spec, serves it from GetModel, ListModels and the bucket, and replaces it on update', async () => {
    const scaling = { minReplicas: 1, maxReplicas: 4, queueWaitSloMs: 500, idleUnloadSeconds: 600 };
    const { model } = await fixture.client.registerModel({
      model: classifierSpec({ name: 'hotel', scaling }),
    });

    expect(model?.scaling).toMatchObject(scaling);
    expect((await fixture.client.getModel({ name: 'hotel' })).model).toEqual(model);
    const listed = (await fixture.client.listModels({})).models.find((each) => each.name === 'hotel');
    expect(listed?.scaling).toMatchObject(scaling);
    expect(await fixture.modelInBucket('hotel')).toEqual(model);

    const unbounded = await fixture.client.updateModel({
      model: classifierSpec({ name: 'hotel', scaling: { minReplicas: 2 } }),
    });
    expect(unbounded.model?.scaling).toMatchObject({
      minReplicas: 2,
      maxReplicas: 0,
      queueWaitSloMs: 0,
      idleUnloadSeconds: 0,
    });
    expect((await fixture.modelInBucket('hotel'))?.scaling).toEqual(unbounded.model?.scaling);

    const defaults = await fixture.client.updateModel({ model: classifierSpec({ name: 'hotel' }) });
    expect(defaults.model?.scaling).toBeUndefined();
    expect((await fixture.modelInBucket('hotel'))?.scaling).toBeUndefined();
  });

  it('stores continuous batching with its step budget and dynamic batching with preferred sizes and a unit bound', async () => {
    const continuous = { mode: BatchingMode.CONTINUOUS, maxBatchSize: 64, maxStepTokens: 4096 };
    const { model } = await fixture.client.registerModel({
      model: classifierSpec({ name: 'india', batching: continuous }),
    });
    expect(model?.batching).toMatchObject(continuous);
    expect((await fixture.client.getModel({ name: 'india' })).model).toEqual(model);

    const dynamic = {
      mode: BatchingMode.DYNAMIC,
      maxBatchSize: 32,
      preferredBatchSizes: [8, 32],
      maxBatchUnits: 2n ** 60n,
    };
    const updated = await fixture.client.updateModel({
      model: classifierSpec({ name: 'india', batching: dynamic }),
    });
    expect(updated.model?.batching).toMatchObject({ ...dynamic, maxStepTokens: 0 });
    expect(await fixture.modelInBucket('india')).toEqual(updated.model);
  });

  it('stores a route with its candidates in preference order and replaces them on a second put', async () => {
    await fixture.client.registerModel({ model: classifierSpec({ name: 'delta-small' }) });
    await fixture.client.registerModel({ model: classifierSpec({ name: 'delta-large' }) });

    const first = await fixture.client.putRoute({
      route: {
        name: 'delta',
        candidates: [{ model: 'delta-small' }, { model: 'delta-large' }],
        description: 'small first',
      },
    });
    expect(first.route?.candidates.map((candidate) => candidate.model)).toEqual([
      'delta-small',
      'delta-large',
    ]);
    expect(first.route?.description).toBe('small first');
    expect(await fixture.routeInBucket('delta')).toEqual(first.route);
    expect(await eventFor('delta', false)).toMatchObject({ kind: RegistryChangeKind.ROUTE });

    const second = await fixture.client.putRoute({
      route: { name: 'delta', candidates: [{ model: 'delta-large' }] },
    });
    expect((await fixture.client.getRoute({ name: 'delta' })).route).toEqual(second.route);
    expect((await fixture.routeInBucket('delta'))?.candidates.map((candidate) => candidate.model)).toEqual([
      'delta-large',
    ]);
    expect((await fixture.client.listRoutes({})).routes.map((route) => route.name)).toEqual(['delta']);
  });

  it('deletes a route and then its model, removing both keys and announcing both deletions', async () => {
    await fixture.client.registerModel({ model: classifierSpec({ name: 'echo' }) });
    await fixture.client.putRoute({ route: { name: 'echo-route', candidates: [{ model: 'echo' }] } });

    await fixture.client.deleteRoute({ name: 'echo-route' });
    await fixture.client.deleteModel({ name: 'echo' });

    expect(await fixture.routeInBucket('echo-route')).toBeUndefined();
    expect(await fixture.modelInBucket('echo')).toBeUndefined();
    expect(await eventFor('echo-route', true)).toMatchObject({ kind: RegistryChangeKind.ROUTE });
    expect(await eventFor('echo', true)).toMatchObject({ kind: RegistryChangeKind.MODEL });
    expect((await fixture.client.listModels({})).models.map((model) => model.name)).not.toContain('echo');
  });

  it('lets a RegistrySnapshot watching the bucket see a newly registered model without a restart', async () => {
    const bucket = await openRegistryBucket(fixture.connection, fixture.names);
    const snapshot = new RegistrySnapshot(bucket, createLogger({ service: 'test', level: 'silent' }));
    await snapshot.start();
    try {
      await fixture.client.registerModel({
        model: classifierSpec({ name: 'foxtrot', runtime: 'synthetic' }),
      });
      const seen = await waitFor(() => snapshot.getModel('foxtrot'));
      expect(seen?.runtime).toBe('synthetic');
    } finally {
      await snapshot.stop();
    }
  });
});
