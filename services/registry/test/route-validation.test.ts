import type { MessageInitShape } from '@bufbuild/protobuf';
import { StatusCode } from '@switchboard/errors';
import { InfeasibleAction, Modality, SelectionObjective } from '@switchboard/protocol';
import type { RouteSpecSchema } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryFixture } from '../src/testing/index.js';
import type { RegistryFixture } from '../src/testing/index.js';
import { classifierSpec } from './classifier-spec.js';
import { refusalOf } from './refusal-of.js';

type RouteInit = MessageInitShape<typeof RouteSpecSchema>;

/** A refused route: what is wrong with it, the route, and a fragment the message must contain. */
interface Refusal {
  problem: string;
  route: RouteInit;
  message: string;
}

const two = [{ model: 'small' }, { model: 'large' }];

const REFUSALS: Refusal[] = [
  {
    problem: 'no candidate',
    route: { candidates: [] },
    message: 'at least one candidate is required',
  },
  {
    problem: 'a model that is a candidate twice',
    route: { candidates: [{ model: 'small' }, { model: 'small' }] },
    message: 'candidates[1] (small): model "small" is a candidate more than once',
  },
  {
    problem: 'a candidate without a model',
    route: { candidates: [{ model: '' }] },
    message: 'candidates[0]: model name is required',
  },
  {
    problem: 'a rollout arm of 0 percent',
    route: { candidates: [{ model: 'small', rollout: [{ model: 'large', percent: 0 }] }] },
    message: 'rollout[0] (large): percent 0 must be in (0, 100]',
  },
  {
    problem: 'rollout arms adding up to more than 100 percent',
    route: {
      candidates: [
        {
          model: 'small',
          rollout: [
            { model: 'large', percent: 60 },
            { model: 'other', percent: 50 },
          ],
        },
      ],
    },
    message: 'rollout percents add up to 110, more than 100',
  },
  {
    problem: "an arm naming its candidate's model",
    route: { candidates: [{ model: 'small', rollout: [{ model: 'small', percent: 10 }] }] },
    message: "an arm must name another model than its candidate's",
  },
  {
    problem: 'an arm naming neither a model nor a version',
    route: { candidates: [{ model: 'small', rollout: [{ percent: 10 }] }] },
    message: "rollout[0] (small): an arm must name another model than its candidate's, or set version",
  },
  {
    problem: 'two arms naming one version of one model',
    route: {
      candidates: [
        {
          model: 'small',
          rollout: [
            { version: '1', percent: 10 },
            { model: 'small', version: '1', percent: 10 },
          ],
        },
      ],
    },
    message: 'rollout[1] (small@1): model "small" version "1" has more than one arm',
  },
  {
    problem: 'two arms naming one model',
    route: {
      candidates: [
        {
          model: 'small',
          rollout: [
            { model: 'large', percent: 10 },
            { model: 'large', percent: 10 },
          ],
        },
      ],
    },
    message: 'model "large" has more than one arm',
  },
  {
    problem: 'a shadow of more than 100 percent',
    route: { candidates: [{ model: 'small' }], shadows: [{ model: 'large', percent: 150 }] },
    message: 'shadows[0] (large): percent 150 must be in (0, 100]',
  },
  {
    problem: 'a shadow that is also a candidate',
    route: { candidates: two, shadows: [{ model: 'large', percent: 10 }] },
    message: 'shadows[0] (large): model "large" is a candidate',
  },
  {
    problem: 'a negative min_complexity',
    route: { candidates: [{ model: 'small', conditions: { minComplexity: -1 } }] },
    message: 'conditions.min_complexity -1 must be a finite number >= 0',
  },
  {
    problem: 'a max_complexity below min_complexity',
    route: { candidates: [{ model: 'small', conditions: { minComplexity: 10, maxComplexity: 5 } }] },
    message: 'conditions.max_complexity 5 is below min_complexity 10',
  },
  {
    problem: 'a malformed tier',
    route: { candidates: [{ model: 'small', conditions: { tiers: ['Gold Plus'] } }] },
    message: 'conditions.tiers: tier name "Gold Plus" is invalid',
  },
  {
    problem: 'an unknown modality',
    route: { candidates: [{ model: 'small', conditions: { modalities: [42 as Modality] } }] },
    message: 'conditions.modalities holds 42',
  },
  {
    problem: 'an unspecified modality',
    route: { candidates: [{ model: 'small', conditions: { modalities: [Modality.UNSPECIFIED] } }] },
    message: 'leave modalities empty to accept every modality',
  },
  {
    problem: 'a min_quality above 1',
    route: { candidates: two, policy: { minQuality: 1.5 } },
    message: 'policy.min_quality 1.5 must be within [0, 1]',
  },
  {
    problem: 'more than 10 attempts',
    route: { candidates: two, policy: { maxAttempts: 11 } },
    message: 'policy.max_attempts 11 must be at most 10',
  },
  {
    problem: 'an unknown objective',
    route: { candidates: two, policy: { objective: 7 as SelectionObjective } },
    message: 'policy.objective 7 is not a known SelectionObjective',
  },
  {
    problem: 'an unknown infeasible action',
    route: { candidates: two, policy: { whenInfeasible: 9 as InfeasibleAction } },
    message: 'policy.when_infeasible 9 is not a known InfeasibleAction',
  },
  {
    problem: 'a confidence threshold above 1',
    route: { candidates: two, cascade: { confidenceThreshold: 1.2 } },
    message: 'cascade.confidence_threshold 1.2 must be within [0, 1]',
  },
  {
    problem: 'a cascade with one candidate',
    route: { candidates: [{ model: 'small' }], cascade: { confidenceThreshold: 0.8 } },
    message: 'needs at least two candidates, not 1',
  },
  {
    problem: 'cascade steps without a threshold',
    route: { candidates: two, cascade: { maxSteps: 2 } },
    message: 'cascade.max_steps 2 has no effect while cascade.confidence_threshold is 0',
  },
  {
    problem: 'a description longer than 1024 characters',
    route: { candidates: two, description: 'x'.repeat(1025) },
    message: 'description is longer than 1024 characters',
  },
];

describe('registry route validation', () => {
  let fixture: RegistryFixture;

  beforeAll(async () => {
    fixture = await startRegistryFixture('routecheck');
    for (const name of ['small', 'large', 'other']) {
      await fixture.client.registerModel({ model: classifierSpec({ name }) });
    }
    // small has versions 1 and 2; 2 is current.
    await fixture.client.updateModel({
      model: classifierSpec({ name: 'small', version: '2', artifact: 'models/small-v2.onnx' }),
    });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  /** The status code and message a PutRoute of `route` is refused with. */
  const refusalOfPut = (route: RouteInit) => refusalOf(fixture.client.putRoute({ route }));

  it.each(REFUSALS)('rejects a route with $problem with INVALID_ARGUMENT', async ({ route, message }) => {
    const refusal = await refusalOfPut({ name: 'checked', ...route });

    expect(refusal?.code).toBe(StatusCode.INVALID_ARGUMENT);
    expect(refusal?.details).toContain('invalid route "checked"');
    expect(refusal?.details).toContain(message);
    expect(await fixture.routeInBucket('checked')).toBeUndefined();
  });

  it('reports every problem of a route in one message', async () => {
    const refusal = await refusalOfPut({
      name: 'checked',
      candidates: [{ model: 'small', rollout: [{ model: 'large', percent: -5 }] }],
      policy: { minQuality: 2, maxAttempts: 20 },
      shadows: [{ model: 'small', percent: 10 }],
    });

    expect(refusal?.code).toBe(StatusCode.INVALID_ARGUMENT);
    for (const fragment of [
      'percent -5',
      'min_quality 2',
      'max_attempts 20',
      'model "small" is a candidate',
    ]) {
      expect(refusal?.details).toContain(fragment);
    }
  });

  it('rejects an arm naming a version its model does not have with NOT_FOUND listing the versions it has', async () => {
    const refusal = await refusalOfPut({
      name: 'checked',
      candidates: [
        {
          model: 'small',
          rollout: [
            { version: '9', percent: 10 },
            { model: 'large', version: '2', percent: 10 },
          ],
        },
      ],
    });

    expect(refusal?.code).toBe(StatusCode.NOT_FOUND);
    expect(refusal?.details).toContain(
      'rollout[0] (small@9): model "small" has no version "9" (its versions: 1, 2)',
    );
    expect(refusal?.details).toContain(
      'rollout[1] (large@2): model "large" has no version "2" (its versions: 1)',
    );
    expect(await fixture.routeInBucket('checked')).toBeUndefined();
  });

  it("rejects an arm serving its candidate's model at the current version with INVALID_ARGUMENT", async () => {
    const refusal = await refusalOfPut({
      name: 'checked',
      candidates: [{ model: 'small', rollout: [{ version: '2', percent: 10 }] }],
    });

    expect(refusal?.code).toBe(StatusCode.INVALID_ARGUMENT);
    expect(refusal?.details).toContain(
      'rollout[0] (small@2): version "2" is the current version of model "small", which the candidate serves already',
    );
    expect(await fixture.routeInBucket('checked')).toBeUndefined();
  });

  it("accepts an arm serving an older version of its candidate's model and one pinning another model's current version", async () => {
    const { route } = await fixture.client.putRoute({
      route: {
        name: 'canary',
        candidates: [
          {
            model: 'small',
            rollout: [
              { model: 'small', version: '1', percent: 10 },
              { model: 'large', version: '1', percent: 10 },
            ],
          },
        ],
      },
    });

    expect(route?.candidates[0]?.rollout.map((arm) => `${arm.model}@${arm.version}`)).toEqual([
      'small@1',
      'large@1',
    ]);
  });

  it('rejects a malformed route name before looking at the rest', async () => {
    const refusal = await refusalOfPut({ name: 'No Such.Route', candidates: [] });

    expect(refusal).toMatchObject({ code: StatusCode.INVALID_ARGUMENT });
    expect(refusal?.details).toContain('route name "No Such.Route" is invalid');
  });

  it('accepts shares right at the limits: arms adding up to exactly 100 and a 100 % shadow', async () => {
    const { route } = await fixture.client.putRoute({
      route: {
        name: 'limits',
        candidates: [
          {
            model: 'small',
            rollout: [
              { model: 'large', percent: 33.3 },
              { model: 'other', percent: 66.7 },
            ],
          },
          { model: 'large' },
        ],
        policy: {
          objective: SelectionObjective.FASTEST,
          whenInfeasible: InfeasibleAction.DEGRADE,
          maxAttempts: 10,
        },
        cascade: { confidenceThreshold: 1 },
        shadows: [{ model: 'other', percent: 100 }],
      },
    });

    expect(route?.candidates[0]?.rollout.map((arm) => arm.percent)).toEqual([33.3, 66.7]);
  });
});
