import { createQualityPredictor, featurisePrompt, predictLogit } from '@switchboard/routing-policy';
import { describe, expect, it } from 'vitest';
import { createPolicyScorer } from './policy-scorer.js';

/** A seeded uniform generator (an LCG): the same weights every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

function randomPredictors(count: number, hashBits: number, random: () => number) {
  return Array.from({ length: count }, (_, position) => {
    const predictor = createQualityPredictor(`model-${position}`, hashBits);
    for (let bucket = 0; bucket < predictor.means.length; bucket += 1) {
      predictor.means[bucket] = random() * 2 - 1;
      predictor.variances[bucket] = random();
    }
    predictor.biasMean = random() - 0.5;
    predictor.biasVariance = random();
    return predictor;
  });
}

describe('createPolicyScorer', () => {
  it('gives every model the belief predictLogit gives, whatever the number of models', () => {
    const settings = { hashBits: 10, maxPromptChars: 2_048 };
    const indices = featurisePrompt('Which planet has the most moons, and how were they found?', settings);
    for (const count of [1, 2, 3, 11, 16]) {
      const predictors = randomPredictors(count, settings.hashBits, seeded(count));
      const beliefs = createPolicyScorer(predictors, settings.hashBits).score(indices);
      predictors.forEach((predictor, position) => {
        const expected = predictLogit(predictor, indices);
        expect(beliefs[position]?.mean).toBeCloseTo(expected.mean, 5);
        expect(beliefs[position]?.variance).toBeCloseTo(expected.variance, 5);
      });
    }
  });

  it('scores prompts longer than one kernel call and the empty prompt', () => {
    const predictors = randomPredictors(3, 8, seeded(7));
    const scorer = createPolicyScorer(predictors, 8);
    const long = Uint32Array.from({ length: 20_000 }, (_, position) => (position * 31) % 256);
    const empty = new Uint32Array(0);
    predictors.forEach((predictor, position) => {
      expect(scorer.score(long)[position]?.mean).toBeCloseTo(predictLogit(predictor, long).mean, 4);
      expect(scorer.score(empty)[position]).toEqual({
        mean: predictor.biasMean,
        variance: predictor.biasVariance,
      });
    });
  });

  it('refuses a policy whose table would be too large to hold', () => {
    expect(() => createPolicyScorer(randomPredictors(1, 4, seeded(1)), 28)).toThrow(RangeError);
  });
});
