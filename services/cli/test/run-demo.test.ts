import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROUTE, registerDemoModels } from '../src/system/run-demo.js';

describe('registerDemoModels', () => {
  let fixture: RegistryFixture;

  beforeAll(async () => {
    fixture = await startRegistryFixture('clidemo');
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('registers both classifiers with latency priors and a classify route that cascades from small to large', async () => {
    const models = await registerDemoModels(fixture.client);

    expect(models).toEqual(['classifier-small', 'classifier-large']);
    const { route } = await fixture.client.getRoute({ name: DEMO_ROUTE });
    expect(route?.candidates.map((candidate) => candidate.model)).toEqual([
      'classifier-small',
      'classifier-large',
    ]);
    expect(route?.cascade).toMatchObject({ confidenceThreshold: 0.8, maxSteps: 0 });
    const priors = (await fixture.client.listModels({})).models.map((model) => [
      model.name,
      model.latencyPriorMs,
    ]);
    expect(priors).toEqual([
      ['classifier-large', 1],
      ['classifier-small', 0.2],
    ]);
  });

  it('can run again over its own earlier registration', async () => {
    await registerDemoModels(fixture.client);

    expect((await fixture.client.listRoutes({})).routes.map((route) => route.name)).toEqual([DEMO_ROUTE]);
  });
});

describe('registerDemoModels with an artifact directory', () => {
  let fixture: RegistryFixture;

  beforeAll(async () => {
    fixture = await startRegistryFixture('clidemodir');
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it("points the classifiers' artifacts into another directory when asked, for workers that keep the files elsewhere", async () => {
    await registerDemoModels(fixture.client, '/opt/switchboard/models');

    const artifacts = (await fixture.client.listModels({})).models.map((model) => model.artifact);
    expect(artifacts).toEqual([
      '/opt/switchboard/models/classifier-large.onnx',
      '/opt/switchboard/models/classifier-small.onnx',
    ]);
  });
});
