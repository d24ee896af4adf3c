import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { LearnedPolicySchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { featurisePrompt } from './featurise-prompt.js';
import { IncompatiblePolicyError, policyFromMessage, policyToMessage } from './policy-codec.js';
import type { RoutePolicy } from './policy-codec.js';
import { createQualityPredictor, predictLogit, updateQualityPredictor } from './quality-predictor.js';

const features = { hashBits: 8, maxPromptChars: 128 };

function policy(): RoutePolicy {
  const predictor = createQualityPredictor('small', features.hashBits);
  updateQualityPredictor(predictor, featurisePrompt('hello there', features), 1);
  return {
    route: 'chat',
    version: 7n,
    createdUnixMs: 1_700_000_000_000,
    features,
    predictors: new Map([['small', predictor]]),
    sloMissRates: new Map([['small', 0.02]]),
    meanQualities: new Map([['small', 0.9]]),
    settings: {
      costWeightPerUsd: 10,
      sloMissWeight: 1,
      exploration: 0.1,
      explorationByTier: new Map([['premium', 0]]),
    },
    estimate: undefined,
  };
}

describe('policy codec', () => {
  it('round-trips a policy through its wire form with identical predictions', () => {
    const original = policy();
    const bytes = toBinary(LearnedPolicySchema, policyToMessage(original));
    const decoded = policyFromMessage(fromBinary(LearnedPolicySchema, bytes));
    const indices = featurisePrompt('hello there', features);
    expect(predictLogit(decoded.predictors.get('small')!, indices)).toEqual(
      predictLogit(original.predictors.get('small')!, indices),
    );
    expect(decoded.version).toBe(7n);
    expect(decoded.sloMissRates.get('small')).toBeCloseTo(0.02);
    expect(decoded.settings.explorationByTier.get('premium')).toBe(0);
  });

  it('refuses a policy made by another featuriser', () => {
    const message = policyToMessage(policy());
    message.features!.featuriserVersion = 99;
    expect(() => policyFromMessage(message)).toThrow(IncompatiblePolicyError);
  });

  it('refuses a hash space too large to hold in memory', () => {
    const message = policyToMessage(policy());
    message.features!.hashBits = 30;
    expect(() => policyFromMessage(message)).toThrow(/2\^30 buckets/);
  });

  it('refuses weights of the wrong size', () => {
    const message = policyToMessage(policy());
    message.models[0]!.weightMeans = new Uint8Array(12);
    expect(() => policyFromMessage(message)).toThrow(/has 3 weights, expected 256/);
  });
});
