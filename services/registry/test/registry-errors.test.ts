import { StatusCode } from '@switchboard/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryFixture } from '../src/testing/index.js';
import { classifierSpec } from './classifier-spec.js';
import { refusalOf } from './refusal-of.js';
import type { RegistryFixture } from '../src/testing/index.js';

describe('registry admin API errors', () => {
  let fixture: RegistryFixture;

  beforeAll(async () => {
    fixture = await startRegistryFixture('errors');
    await fixture.client.registerModel({ model: classifierSpec({ name: 'in-use' }) });
    await fixture.client.registerModel({ model: classifierSpec({ name: 'spare' }) });
    await fixture.client.registerModel({ model: classifierSpec({ name: 'canary' }) });
    await fixture.client.registerModel({ model: classifierSpec({ name: 'observer' }) });
    await fixture.client.putRoute({ route: { name: 'uses-it', candidates: [{ model: 'in-use' }] } });
    await fixture.client.putRoute({
      route: { name: 'also-uses-it', candidates: [{ model: 'spare' }, { model: 'in-use' }] },
    });
    await fixture.client.putRoute({
      route: {
        name: 'tries-canary',
        candidates: [{ model: 'spare', rollout: [{ model: 'canary', percent: 10 }] }],
        shadows: [
          { model: 'observer', percent: 5 },
          { model: 'in-use', percent: 1 },
        ],
      },
    });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  /** Asserts that `call` fails with `code` and a message containing every fragment. */
  const expectFailure = async (call: Promise<unknown>, code: number, ...fragments: string[]) => {
    const error = await refusalOf(call);
    expect(error).toMatchObject({ code });
    for (const fragment of fragments) expect(error?.details).toContain(fragment);
  };

  it('rejects a model name that cannot be a NATS subject token and says why', async () => {
    await expectFailure(
      fixture.client.registerModel({ model: classifierSpec({ name: 'Bad.Name' }) }),
      StatusCode.INVALID_ARGUMENT,
      'model name "Bad.Name" is invalid',
      'NATS subject token',
    );
  });

  it('reports every invalid field of a model in one INVALID_ARGUMENT message', async () => {
    const spec = classifierSpec({
      name: 'broken',
      runtime: 'tensorflow',
      inputs: [{ name: 'x', datatype: 'FLOAT', shape: [0n] }],
      qualityScore: 1.5,
      costPerCallMicros: -1n,
      batching: { maxBatchSize: 0 },
    });

    await expectFailure(
      fixture.client.registerModel({ model: spec }),
      StatusCode.INVALID_ARGUMENT,
      'runtime "tensorflow" is not supported; use one of: onnx, synthetic',
      'datatype "FLOAT" is not an OIP datatype',
      'shape [0] may only hold -1',
      'quality_score 1.5 must be within [0, 1]',
      'cost_per_call_micros -1 must be >= 0',
      'max_batch_size 0 must be >= 1',
    );
    expect(await fixture.modelInBucket('broken')).toBeUndefined();
  });

  it('answers ALREADY_EXISTS when a model name is registered twice', async () => {
    await expectFailure(
      fixture.client.registerModel({ model: classifierSpec({ name: 'spare' }) }),
      StatusCode.ALREADY_EXISTS,
      'model "spare" is already registered',
      'UpdateModel',
    );
  });

  it('answers NOT_FOUND for getting, updating and deleting an unknown model', async () => {
    const notFound = [StatusCode.NOT_FOUND, 'model "ghost" is not registered'] as const;
    await expectFailure(fixture.client.getModel({ name: 'ghost' }), ...notFound);
    await expectFailure(
      fixture.client.updateModel({ model: classifierSpec({ name: 'ghost' }) }),
      ...notFound,
    );
    await expectFailure(fixture.client.deleteModel({ name: 'ghost' }), ...notFound);
    await expectFailure(
      fixture.client.getRoute({ name: 'ghost' }),
      StatusCode.NOT_FOUND,
      'route "ghost" does not exist',
    );
  });

  it('answers NOT_FOUND naming the missing models when a route lists unregistered ones', async () => {
    await expectFailure(
      fixture.client.putRoute({
        route: {
          name: 'dangling',
          candidates: [{ model: 'spare' }, { model: 'missing-a' }, { model: 'missing-b' }],
        },
      }),
      StatusCode.NOT_FOUND,
      'not registered: missing-a, missing-b',
    );
    expect(await fixture.routeInBucket('dangling')).toBeUndefined();
  });

  it('answers NOT_FOUND naming unregistered rollout arm and shadow models', async () => {
    await expectFailure(
      fixture.client.putRoute({
        route: {
          name: 'dangling-extras',
          candidates: [{ model: 'spare', rollout: [{ model: 'missing-arm', percent: 20 }] }],
          shadows: [{ model: 'missing-shadow', percent: 50 }],
        },
      }),
      StatusCode.NOT_FOUND,
      'route "dangling-extras" lists model(s) that are not registered: missing-arm, missing-shadow',
    );
    expect(await fixture.routeInBucket('dangling-extras')).toBeUndefined();
  });

  it('answers FAILED_PRECONDITION naming the routes and roles when deleting a model that routes use', async () => {
    await expectFailure(
      fixture.client.deleteModel({ name: 'in-use' }),
      StatusCode.FAILED_PRECONDITION,
      'used by route(s) also-uses-it (candidate), tries-canary (shadow), uses-it (candidate)',
    );
    expect((await fixture.client.getModel({ name: 'in-use' })).model?.name).toBe('in-use');
  });

  it('refuses to delete a model that a route uses only as a rollout arm or only as a shadow', async () => {
    await expectFailure(
      fixture.client.deleteModel({ name: 'canary' }),
      StatusCode.FAILED_PRECONDITION,
      'model "canary" is used by route(s) tries-canary (rollout arm)',
    );
    await expectFailure(
      fixture.client.deleteModel({ name: 'observer' }),
      StatusCode.FAILED_PRECONDITION,
      'model "observer" is used by route(s) tries-canary (shadow)',
    );
    expect(await fixture.modelInBucket('canary')).toBeDefined();
    expect(await fixture.modelInBucket('observer')).toBeDefined();
  });

  it('rejects negative and infinite latency priors with INVALID_ARGUMENT', async () => {
    await expectFailure(
      fixture.client.registerModel({
        model: classifierSpec({
          name: 'slow-prior',
          latencyPriorMs: -1,
          latencyPriorPerUnitUs: Number.POSITIVE_INFINITY,
        }),
      }),
      StatusCode.INVALID_ARGUMENT,
      'latency_prior_ms -1 must be a finite number >= 0',
      'latency_prior_per_unit_us Infinity must be a finite number >= 0',
    );
  });

  it('rejects scaling limits out of bounds with INVALID_ARGUMENT, on register and on update', async () => {
    await expectFailure(
      fixture.client.registerModel({
        model: classifierSpec({
          name: 'over-scaled',
          scaling: { minReplicas: 8, maxReplicas: 4, queueWaitSloMs: 7_200_000 },
        }),
      }),
      StatusCode.INVALID_ARGUMENT,
      'scaling.min_replicas 8 exceeds scaling.max_replicas 4',
      'scaling.queue_wait_slo_ms 7200000 must be <= 3600000 (1 h)',
    );
    await expectFailure(
      fixture.client.updateModel({
        model: classifierSpec({ name: 'spare', scaling: { idleUnloadSeconds: 700_000 } }),
      }),
      StatusCode.INVALID_ARGUMENT,
      'scaling.idle_unload_seconds 700000 must be <= 604800 (7 days)',
    );
    expect(await fixture.modelInBucket('over-scaled')).toBeUndefined();
    expect((await fixture.modelInBucket('spare'))?.scaling).toBeUndefined();
  });

  it('refuses to give an existing version a different artifact', async () => {
    await expectFailure(
      fixture.client.updateModel({ model: classifierSpec({ name: 'spare', artifact: 'models/other.onnx' }) }),
      StatusCode.FAILED_PRECONDITION,
      'version "1" of model "spare"',
      'give a new version',
    );
  });

  it('keeps models and routes in one namespace because clients call either by name', async () => {
    await expectFailure(
      fixture.client.putRoute({ route: { name: 'spare', candidates: [{ model: 'in-use' }] } }),
      StatusCode.ALREADY_EXISTS,
      'a model is already named "spare"',
    );
    await expectFailure(
      fixture.client.registerModel({ model: classifierSpec({ name: 'uses-it' }) }),
      StatusCode.ALREADY_EXISTS,
      'a route is already named "uses-it"',
    );
  });
});
