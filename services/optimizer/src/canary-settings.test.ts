import { create } from '@bufbuild/protobuf';
import { CanarySettingsSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CANARY_THRESHOLDS, validateCanarySettings } from './canary-settings.js';

describe('validateCanarySettings', () => {
  it('takes the default for every field left 0', () => {
    const thresholds = validateCanarySettings(create(CanarySettingsSchema, { errorMargin: 0.02 }));
    expect(thresholds).toEqual({ ...DEFAULT_CANARY_THRESHOLDS, errorMargin: 0.02 });
  });

  it('names every field out of range with its valid range', () => {
    const settings = create(CanarySettingsSchema, {
      alpha: 0.7,
      qualityMargin: -1,
      latencyMargin: Number.NaN,
    });
    expect(() => validateCanarySettings(settings)).toThrow(
      'canary.alpha must be in (0, 0.5] (0 takes the default 0.05), got 0.7; ' +
        'canary.latency_margin must be in (0, 10] (0 takes the default 0.1), got NaN; ' +
        'canary.quality_margin must be in (0, 1] (0 takes the default 0.05), got -1',
    );
  });
});
