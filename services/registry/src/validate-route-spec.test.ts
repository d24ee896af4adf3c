import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { RouteSpecSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { validateRouteSpec } from './validate-route-spec.js';

describe('validateRouteSpec', () => {
  it('clears the server-owned update time without changing the request', () => {
    const spec = create(RouteSpecSchema, { name: 'r', candidates: [{ model: 'a' }], updatedAtUnixMs: 42n });

    const route = validateRouteSpec(spec);

    expect(route.updatedAtUnixMs).toBe(0n);
    expect(spec.updatedAtUnixMs).toBe(42n);
  });

  it('drops conditions that restrict nothing, a default policy and a cascade that is off', () => {
    const spec = create(RouteSpecSchema, {
      name: 'r',
      candidates: [
        { model: 'a', conditions: { tiers: [] } },
        { model: 'b', conditions: { tiers: ['free'] } },
      ],
      policy: { objective: 0, minQuality: 0 },
      cascade: { confidenceThreshold: 0, maxSteps: 0 },
    });

    const route = validateRouteSpec(spec);

    expect(route.candidates.map((candidate) => candidate.conditions?.tiers)).toEqual([undefined, ['free']]);
    expect(route.policy).toBeUndefined();
    expect(route.cascade).toBeUndefined();
  });

  it('accepts decimal rollout shares whose binary sum lands a hair above 100', () => {
    const rollout = [
      { model: 'b', percent: 0.2 },
      { model: 'c', percent: 83.9 },
      { model: 'd', percent: 15.9 },
    ];
    expect(rollout.reduce((sum, arm) => sum + arm.percent, 0)).not.toBe(100);
    const spec = create(RouteSpecSchema, { name: 'r', candidates: [{ model: 'a', rollout }] });

    expect(() => validateRouteSpec(spec)).not.toThrow();
  });

  it('rejects NaN and infinite numbers wherever a route holds one', () => {
    const spec = create(RouteSpecSchema, {
      name: 'r',
      candidates: [
        {
          model: 'a',
          conditions: { minComplexity: Number.NaN, maxComplexity: Number.POSITIVE_INFINITY },
          rollout: [{ model: 'b', percent: Number.NaN }],
        },
        { model: 'c' },
      ],
      policy: { minQuality: Number.NaN },
      cascade: { confidenceThreshold: Number.NaN },
      shadows: [{ model: 'd', percent: Number.POSITIVE_INFINITY }],
    });

    expect(() => validateRouteSpec(spec)).toThrow(InvalidArgumentError);
    expect(() => validateRouteSpec(spec)).toThrow(
      /min_complexity NaN.*max_complexity Infinity.*rollout\[0\] \(b\): percent NaN.*min_quality NaN.*confidence_threshold NaN.*shadows\[0\] \(d\): percent Infinity/,
    );
  });

  it('rejects a cascade of one step because it never escalates', () => {
    const spec = create(RouteSpecSchema, {
      name: 'r',
      candidates: [{ model: 'a' }, { model: 'b' }],
      cascade: { confidenceThreshold: 0.5, maxSteps: 1 },
    });

    expect(() => validateRouteSpec(spec)).toThrow('cascade.max_steps 1 never escalates');
  });

  it('rejects a missing route with INVALID_ARGUMENT', () => {
    expect(() => validateRouteSpec(undefined)).toThrow(InvalidArgumentError);
  });
});
