import { describe, expect, it } from 'vitest';
import { chooseWithPolicy } from './choose-with-policy.js';
import { featurisePrompt } from './featurise-prompt.js';
import type { RoutePolicy } from './policy-codec.js';
import { createQualityPredictor, updateQualityPredictor } from './quality-predictor.js';

const features = { hashBits: 10, maxPromptChars: 256 };
const prompt = featurisePrompt('what is the capital of france', features);

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

/** A policy whose `good` model answered this prompt well 30 times and `bad` badly 30 times. */
function trainedPolicy(exploration: number, costWeightPerUsd = 0): RoutePolicy {
  const good = createQualityPredictor('good', features.hashBits);
  const bad = createQualityPredictor('bad', features.hashBits);
  for (let round = 0; round < 30; round += 1) {
    updateQualityPredictor(good, prompt, 1);
    updateQualityPredictor(bad, prompt, 0);
  }
  return {
    route: 'chat',
    version: 1n,
    createdUnixMs: 0,
    features,
    predictors: new Map([
      ['good', good],
      ['bad', bad],
    ]),
    sloMissRates: new Map(),
    meanQualities: new Map(),
    settings: {
      costWeightPerUsd,
      sloMissWeight: 1,
      exploration,
      explorationByTier: new Map([['premium', 0]]),
    },
    estimate: undefined,
  };
}

const candidates = [
  { model: 'bad', costUsd: 0.001, priorQuality: 0.5 },
  { model: 'good', costUsd: 0.001, priorQuality: 0.5 },
];

describe('chooseWithPolicy', () => {
  it('picks the model predicted to answer well, with propensity 1 when it does not explore', () => {
    const choice = chooseWithPolicy(trainedPolicy(0), candidates, prompt, 'standard', seeded(3));
    expect(choice.ranking).toEqual([1, 0]);
    expect(choice.propensity).toBe(1);
    expect(choice.explored).toBe(false);
  });

  it('trades predicted quality against cost with the route cost weight', () => {
    const expensiveGood = [candidates[0]!, { ...candidates[1]!, costUsd: 1 }];
    const choice = chooseWithPolicy(trainedPolicy(0, 10), expensiveGood, prompt, 'standard', seeded(3));
    expect(choice.ranking[0]).toBe(0);
  });

  it('explores at most the share the route allows and never for a tier set to zero', () => {
    const policy = trainedPolicy(0.5);
    const random = seeded(11);
    const unsure = [
      { model: 'new-a', costUsd: 0.001, priorQuality: 0.5 },
      { model: 'new-b', costUsd: 0.001, priorQuality: 0.5 },
    ];
    let explored = 0;
    for (let round = 0; round < 2_000; round += 1) {
      if (chooseWithPolicy(policy, unsure, prompt, 'standard', random).explored) explored += 1;
      expect(chooseWithPolicy(policy, unsure, prompt, 'premium', random).explored).toBe(false);
    }
    expect(explored / 2_000).toBeGreaterThan(0.1);
    expect(explored / 2_000).toBeLessThanOrEqual(0.5);
  });

  it('states a propensity that matches how often each model is chosen', () => {
    const policy = trainedPolicy(0.5);
    const random = seeded(5);
    // Unequal priors: the greedy choice is new-a, and Thompson draws favour it too, but not always.
    const unsure = [
      { model: 'new-a', costUsd: 0.001, priorQuality: 0.45 },
      { model: 'new-b', costUsd: 0.001, priorQuality: 0.3 },
    ];
    let chosenFirst = 0;
    let propensitySum = 0;
    const rounds = 4_000;
    for (let round = 0; round < rounds; round += 1) {
      const choice = chooseWithPolicy(policy, unsure, prompt, 'standard', random);
      if (choice.ranking[0] === 0) {
        chosenFirst += 1;
        propensitySum += choice.propensity;
      }
    }
    // Every time new-a is chosen its stated propensity estimates P(choose new-a).
    expect(chosenFirst / rounds).toBeLessThan(0.95);
    expect(Math.abs(propensitySum / chosenFirst - chosenFirst / rounds)).toBeLessThan(0.03);
  });
});
