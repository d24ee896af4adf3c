import { describe, expect, it } from 'vitest';
import { choiceProbabilities, chooseWithPolicy } from './choose-with-policy.js';
import { featurisePrompt } from './featurise-prompt.js';
import type { RoutePolicy } from './policy-codec.js';
import { createQualityPredictor, updateQualityPredictor } from './quality-predictor.js';

const features = { hashBits: 10, maxPromptChars: 256 };
const prompt = featurisePrompt('name the largest planet', features);

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

/** `better` answered this prompt well 3 times out of 4, `worse` half the time: close enough to explore. */
function policyWith(exploration: number): RoutePolicy {
  const better = createQualityPredictor('better', features.hashBits);
  const worse = createQualityPredictor('worse', features.hashBits);
  for (let round = 0; round < 8; round += 1) {
    updateQualityPredictor(better, prompt, round % 4 === 0 ? 0 : 1);
    updateQualityPredictor(worse, prompt, round % 2);
  }
  return {
    route: 'chat',
    version: 1n,
    createdUnixMs: 0,
    features,
    predictors: new Map([
      ['better', better],
      ['worse', worse],
    ]),
    sloMissRates: new Map(),
    meanQualities: new Map(),
    settings: {
      costWeightPerUsd: 0,
      sloMissWeight: 0,
      exploration,
      explorationByTier: new Map([['premium', 0]]),
    },
    estimate: undefined,
  };
}

const candidates = [
  { model: 'worse', costUsd: 0, priorQuality: 0.5 },
  { model: 'better', costUsd: 0, priorQuality: 0.5 },
];

describe('choiceProbabilities', () => {
  it('gives the greedy choice everything when the tier does not explore', () => {
    const { probabilities } = choiceProbabilities(policyWith(0.4), candidates, prompt, 'premium', seeded(1));
    expect(probabilities).toEqual([0, 1]);
  });

  it('matches how often chooseWithPolicy picks each candidate', () => {
    const policy = policyWith(0.4);
    const { probabilities, expectedRewards } = choiceProbabilities(
      policy,
      candidates,
      prompt,
      'standard',
      seeded(2),
      4_000,
    );
    expect(probabilities[0]! + probabilities[1]!).toBeCloseTo(1, 9);
    expect(probabilities[1]).toBeGreaterThan(0.6);
    const random = seeded(3);
    const picks = [0, 0];
    for (let draw = 0; draw < 4_000; draw += 1) {
      const choice = chooseWithPolicy(policy, candidates, prompt, 'standard', random);
      picks[choice.ranking[0]!]! += 1;
      expect(choice.expectedRewards).toEqual(expectedRewards);
    }
    expect(picks[0]! / 4_000).toBeCloseTo(probabilities[0]!, 1);
  });
});
