import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { RouteSettingsSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { settingsToMessage, validateRouteSettings } from './route-settings.js';

describe('validateRouteSettings', () => {
  it('takes every field of the message, tiers included', () => {
    const settings = validateRouteSettings(
      create(RouteSettingsSchema, {
        costWeightPerUsd: 25,
        sloMissWeight: 0.5,
        exploration: 0.2,
        explorationByTier: { premium: 0, free: 0.5 },
      }),
    );
    expect(settingsToMessage(settings)).toMatchObject({
      costWeightPerUsd: 25,
      sloMissWeight: 0.5,
      exploration: 0.2,
      explorationByTier: { premium: 0, free: 0.5 },
    });
  });

  it('says every field out of range at once, with its range', () => {
    const validate = () =>
      validateRouteSettings(
        create(RouteSettingsSchema, {
          costWeightPerUsd: -1,
          sloMissWeight: Number.NaN,
          exploration: 0.51,
          explorationByTier: { premium: 2, 'Bad Tier': 0 },
        }),
      );
    expect(validate).toThrow(InvalidArgumentError);
    expect(validate).toThrow(
      'cost_weight_per_usd must be a finite number >= 0, got -1; ' +
        'slo_miss_weight must be a finite number >= 0, got NaN; ' +
        'exploration must be in [0, 0.5], got 0.51; ' +
        'exploration_by_tier[premium] must be in [0, 0.5], got 2; ' +
        "exploration_by_tier: tier \"Bad Tier\" is invalid: use 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit",
    );
  });

  it('requires the settings', () => {
    expect(() => validateRouteSettings(undefined)).toThrow('settings is required');
  });
});
