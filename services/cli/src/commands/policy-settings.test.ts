import { create } from '@bufbuild/protobuf';
import { RouteSettingsSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { applyRouteSettingsFlags, hasRouteSettingsFlags } from './policy-settings.js';

const current = create(RouteSettingsSchema, {
  costWeightPerUsd: 10,
  sloMissWeight: 1,
  exploration: 0.1,
  explorationByTier: { premium: 0, free: 0.2 },
});

describe('applyRouteSettingsFlags', () => {
  it('changes only the fields whose flags were given', () => {
    const settings = applyRouteSettingsFlags(current, { costWeight: 120 });
    expect(settings).toMatchObject({
      costWeightPerUsd: 120,
      sloMissWeight: 1,
      exploration: 0.1,
      explorationByTier: { premium: 0, free: 0.2 },
    });
  });

  it('sets, replaces and removes tier shares one tier at a time', () => {
    const settings = applyRouteSettingsFlags(current, {
      exploration: 0.3,
      tierExploration: [
        ['standard', '0.05'],
        ['free', ''],
        ['premium', '0.01'],
      ],
    });
    expect(settings.exploration).toBe(0.3);
    expect(settings.explorationByTier).toEqual({ premium: 0.01, standard: 0.05 });
    expect(current.explorationByTier).toEqual({ premium: 0, free: 0.2 });
  });

  it('refuses a tier share that is not a number, naming the flag', () => {
    expect(() => applyRouteSettingsFlags(current, { tierExploration: [['premium', 'none']] })).toThrow(
      '--tier-exploration premium=none: the share must be a number, e.g. premium=0',
    );
  });
});

describe('hasRouteSettingsFlags', () => {
  it('is false only when no settings flag was given', () => {
    expect(hasRouteSettingsFlags({})).toBe(false);
    expect(hasRouteSettingsFlags({ sloMissWeight: 0 })).toBe(true);
    expect(hasRouteSettingsFlags({ tierExploration: [] })).toBe(true);
  });
});
