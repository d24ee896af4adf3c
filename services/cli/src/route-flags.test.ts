import { create } from '@bufbuild/protobuf';
import { InfeasibleAction, RouteSpecSchema, SelectionObjective } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { applyRouteFlags } from './route-flags.js';

describe('applyRouteFlags', () => {
  it('changes only the policy fields whose flags were given', () => {
    const spec = create(RouteSpecSchema, {
      policy: {
        objective: SelectionObjective.FASTEST,
        whenInfeasible: InfeasibleAction.REFUSE,
        maxAttempts: 4,
      },
    });

    applyRouteFlags(spec, { minQuality: 0.7 });

    expect(spec.policy).toMatchObject({
      objective: SelectionObjective.FASTEST,
      whenInfeasible: InfeasibleAction.REFUSE,
      maxAttempts: 4,
      minQuality: 0.7,
    });
  });

  it('turns a cascade on without touching its max_steps, and leaves policy and cascade unset without flags', () => {
    const withCascade = create(RouteSpecSchema, { cascade: { maxSteps: 3 } });
    applyRouteFlags(withCascade, { cascadeThreshold: 0.9 });
    expect(withCascade.cascade).toMatchObject({ confidenceThreshold: 0.9, maxSteps: 3 });

    const untouched = create(RouteSpecSchema, { candidates: [{ model: 'a' }] });
    applyRouteFlags(untouched, { description: 'same' });
    expect([untouched.policy, untouched.cascade, untouched.candidates.length]).toEqual([
      undefined,
      undefined,
      1,
    ]);
  });
});
