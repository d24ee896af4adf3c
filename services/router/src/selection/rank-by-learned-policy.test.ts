import { create } from '@bufbuild/protobuf';
import { ModelInferRequestSchema, ModelSpecSchema } from '@switchboard/protocol';
import { createQualityPredictor, featurisePrompt } from '@switchboard/routing-policy';
import type { RoutePolicy } from '@switchboard/routing-policy';
import { describe, expect, it } from 'vitest';
import type { Prediction } from './choose-feasible.js';
import { applyPolicy, rankByLearnedPolicy } from './rank-by-learned-policy.js';

const features = { hashBits: 8, maxPromptChars: 256 };

function prediction(name: string, costMicros: number, quality: number): Prediction {
  const model = create(ModelSpecSchema, { name });
  return { model, latencyMs: 10, queueWaitMs: 0, costMicros, quality, available: true };
}

function textRequest(prompt: string) {
  return create(ModelInferRequestSchema, {
    inputs: [
      {
        name: 'text',
        datatype: 'BYTES',
        shape: [1n],
        contents: { bytesContents: [new TextEncoder().encode(prompt)] },
      },
    ],
  });
}

/** `poet` is good at poems and bad at sums; `clerk` the other way round; `intern` is not learned yet. */
function policy(exploration: number, weight = 20, variance = 0.01): RoutePolicy {
  const poet = createQualityPredictor('poet', features.hashBits, variance);
  const clerk = createQualityPredictor('clerk', features.hashBits, variance);
  const [poem] = featurisePrompt('poem', features);
  const [sum] = featurisePrompt('sum', features);
  poet.means[poem!] = weight;
  poet.means[sum!] = -weight;
  clerk.means[poem!] = -weight;
  clerk.means[sum!] = weight;
  return {
    route: 'write',
    version: 7n,
    createdUnixMs: 0,
    features,
    predictors: new Map([
      ['poet', poet],
      ['clerk', clerk],
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

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

const feasible = [prediction('intern', 1, 0.5), prediction('poet', 50, 0.8), prediction('clerk', 50, 0.8)];
const names = (plan: readonly Prediction[]) => plan.map((entry) => entry.model.name);

describe('rankByLearnedPolicy', () => {
  it('puts first the feasible model the policy expects to answer this prompt best, the rest as fallbacks', () => {
    const applied = applyPolicy(policy(0));
    const poem = rankByLearnedPolicy(applied, feasible, textRequest('write a poem'), 'standard', Math.random);
    expect(names(poem.plan)).toEqual(['poet', 'intern', 'clerk']);
    expect(poem.propensity).toBe(1);
    expect(poem.featureIndices).toEqual(featurisePrompt('write a poem', features));
    const sum = rankByLearnedPolicy(
      applied,
      feasible,
      textRequest('what is the sum'),
      'standard',
      Math.random,
    );
    expect(names(sum.plan)[0]).toBe('clerk');
    // Only the models it is given: an infeasible one is never added back.
    const onlyTwo = rankByLearnedPolicy(
      applied,
      feasible.slice(0, 2),
      textRequest('what is the sum'),
      'standard',
      Math.random,
    );
    expect(names(onlyTwo.plan)).toEqual(['intern', 'poet']);
  });

  it("explores with the route's share, reproducibly for a seed, and not for a tier that does not explore", () => {
    // Unsure weights: a posterior draw sometimes prefers another model.
    const applied = applyPolicy(policy(0.5, 1, 1));
    const firsts = (seed: number, tier: string) => {
      const random = seeded(seed);
      return Array.from({ length: 40 }, () => {
        const ranking = rankByLearnedPolicy(applied, feasible, textRequest('write a poem'), tier, random);
        return { first: ranking.plan[0]?.model.name, propensity: ranking.propensity };
      });
    };
    const standard = firsts(3, 'standard');
    expect(firsts(3, 'standard')).toEqual(standard);
    expect(standard.some((choice) => choice.first !== 'poet')).toBe(true);
    expect(standard.every((choice) => choice.propensity > 0 && choice.propensity <= 1)).toBe(true);
    expect(standard.some((choice) => choice.propensity < 1)).toBe(true);
    expect(firsts(3, 'premium').every((choice) => choice.first === 'poet' && choice.propensity === 1)).toBe(
      true,
    );
  });
});
