import { create } from '@bufbuild/protobuf';
import {
  FeedbackRecordSchema,
  ModelSpecSchema,
  RequestRecordSchema,
  RouteSpecSchema,
} from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { routeAfterVerdict } from './apply-canary-verdict.js';
import { canaryKey, findRouteArms } from './canary-arms.js';
import { addFeedbackSample, addRequestSamples, createWatchIndex } from './canary-samples.js';
import type { SampleBatch } from './canary-samples.js';

const models = new Map<string, ModelSpec>(
  [
    { name: 'stable-model', version: '3', versions: ['1', '2', '3', '4'] },
    { name: 'other-model', version: '1', versions: ['1'] },
  ].map((spec) => [spec.name, create(ModelSpecSchema, spec)]),
);
const modelOf = (name: string) => models.get(name);

const route = create(RouteSpecSchema, {
  name: 'chat',
  candidates: [
    {
      model: 'stable-model',
      rollout: [
        { model: 'stable-model', version: '4', percent: 10 },
        { model: 'other-model', percent: 5 },
        { model: 'stable-model', version: '3', percent: 5 },
        { model: 'missing-model', percent: 5 },
      ],
    },
  ],
});

describe('findRouteArms', () => {
  it('watches arms of another version or model against the candidate at its current version', () => {
    const { watchable, unwatchable } = findRouteArms(route, modelOf);
    expect(watchable).toEqual([
      {
        route: 'chat',
        candidate: 'stable-model',
        stableVersion: '3',
        armModel: 'stable-model',
        armVersion: '4',
        percent: 10,
      },
      {
        route: 'chat',
        candidate: 'stable-model',
        stableVersion: '3',
        armModel: 'other-model',
        armVersion: '1',
        percent: 5,
      },
    ]);
    expect(unwatchable.map(({ reason }) => reason)).toEqual([
      'the arm serves the stable version itself',
      'model missing-model is not registered',
    ]);
  });

  it('does not watch an arm whose model and version another candidate serves on the route', () => {
    const shared = create(RouteSpecSchema, {
      name: 'chat',
      candidates: [
        { model: 'stable-model', rollout: [{ model: 'other-model', percent: 10 }] },
        { model: 'other-model' },
      ],
    });
    const { watchable, unwatchable } = findRouteArms(shared, modelOf);
    expect(watchable).toEqual([]);
    expect(unwatchable[0]?.reason).toContain('cannot be told apart');
  });
});

describe('canary samples', () => {
  const [versionArm, modelArm] = findRouteArms(route, modelOf).watchable;
  const index = createWatchIndex(new Map([versionArm!, modelArm!].map((arm) => [canaryKey(arm), arm])));
  const attempt = (model: string, version: string, statusCode = 0) => ({ model, version, statusCode });

  it('counts every attempt on an arm as an error sample and only a lone answer’s latency, without its batch wait', () => {
    const batch: SampleBatch = new Map();
    const records = [
      // Answered by the version arm alone: 12 ms, of which 2 ms waiting for the batch.
      { attempts: [attempt('stable-model', '4')], latencyUs: 12_000n, batchWaitUs: 2_000n },
      // The model arm failed, the stable arm answered: an error for one, no latency for either.
      { attempts: [attempt('other-model', '1', 14), attempt('stable-model', '3')], latencyUs: 50_000n },
      // Another route, a shadow copy, a request that failed before any model was tried.
      { route: 'other', attempts: [attempt('stable-model', '4')], latencyUs: 1_000n },
      { shadow: true, attempts: [attempt('stable-model', '4')], latencyUs: 1_000n },
      { attempts: [], statusCode: 3 },
    ];
    for (const record of records)
      addRequestSamples(create(RequestRecordSchema, { route: 'chat', ...record }), index, batch);

    const versionSamples = batch.get(canaryKey(versionArm!));
    expect(versionSamples?.canary).toEqual({ latency: [Math.log(10)], error_rate: [0], quality: [] });
    expect(versionSamples?.stable).toEqual({ latency: [], error_rate: [0], quality: [] });
    const modelSamples = batch.get(canaryKey(modelArm!));
    expect(modelSamples?.canary).toEqual({ latency: [], error_rate: [1], quality: [] });
    expect(modelSamples?.stable.error_rate).toEqual([0]);
  });

  it('gives a feedback score to the arm whose model and version served the request', () => {
    const batch: SampleBatch = new Map();
    const feedback = (version: string, score: number) =>
      create(FeedbackRecordSchema, { decision: { route: 'chat', model: 'stable-model', version }, score });
    for (const record of [feedback('4', 0.9), feedback('3', 0.4), feedback('', 0.1), feedback('4', 7)])
      addFeedbackSample(record, index, batch);
    const samples = batch.get(canaryKey(versionArm!));
    expect(samples?.canary.quality).toEqual([0.9]);
    expect(samples?.stable.quality).toEqual([0.4]);
  });
});

describe('routeAfterVerdict', () => {
  const [versionArm, modelArm] = findRouteArms(route, modelOf).watchable;

  it('removes a rolled-back arm and leaves the others', () => {
    const edited = routeAfterVerdict(route, modelArm!, 'rollback');
    expect(edited?.candidates[0]?.model).toBe('stable-model');
    expect(edited?.candidates[0]?.rollout.map((arm) => arm.model)).toEqual([
      'stable-model',
      'stable-model',
      'missing-model',
    ]);
    expect(route.candidates[0]?.rollout).toHaveLength(4);
  });

  it('makes a promoted arm of another model the candidate, its other arms kept', () => {
    const edited = routeAfterVerdict(route, modelArm!, 'promote');
    expect(edited?.candidates[0]?.model).toBe('other-model');
    expect(edited?.candidates[0]?.rollout.map((arm) => `${arm.model}@${arm.version}`)).toEqual([
      'stable-model@4',
      'stable-model@3',
      'missing-model@',
    ]);
  });

  it('only removes a promoted version arm (the version becomes current through UpdateModel)', () => {
    const edited = routeAfterVerdict(route, versionArm!, 'promote');
    expect(edited?.candidates[0]?.model).toBe('stable-model');
    expect(edited?.candidates[0]?.rollout).toHaveLength(3);
    expect(routeAfterVerdict(edited!, versionArm!, 'promote')).toBeUndefined();
  });
});
