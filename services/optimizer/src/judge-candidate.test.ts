import {
  DEFAULT_FEATURE_SETTINGS,
  createQualityPredictor,
  featurisePrompt,
  updateQualityPredictor,
} from '@switchboard/routing-policy';
import type { RoutePolicy } from '@switchboard/routing-policy';
import { describe, expect, it } from 'vitest';
import { judgeCandidate } from './judge-candidate.js';
import type { JudgeEvidence } from './judge-candidate.js';

const { hashBits } = DEFAULT_FEATURE_SETTINGS;
const prompts = Array.from({ length: 60 }, (_, index) =>
  featurisePrompt(`question number ${index} about the weather`, DEFAULT_FEATURE_SETTINGS),
);

/** A policy that learned `preferred` answers these prompts well and the other model badly. */
function policyPreferring(preferred: string, version: bigint): RoutePolicy {
  const predictors = new Map(
    ['good', 'bad'].map((model) => [model, createQualityPredictor(model, hashBits)]),
  );
  for (const indices of prompts.slice(0, 20))
    for (const [model, predictor] of predictors)
      updateQualityPredictor(predictor, indices, model === preferred ? 1 : 0);
  return {
    route: 'weather',
    version,
    createdUnixMs: 0,
    features: DEFAULT_FEATURE_SETTINGS,
    predictors,
    sloMissRates: new Map(),
    meanQualities: new Map(),
    settings: { costWeightPerUsd: 10, sloMissWeight: 1, exploration: 0.1, explorationByTier: new Map() },
    estimate: undefined,
  };
}

/** Held-out rows on which `good` is right and `bad` wrong, at equal cost. */
function evidence(heldOutRows: number): JudgeEvidence {
  return {
    feedback: [],
    heldOut: prompts.slice(0, heldOutRows).map((indices) => ({
      indices,
      outcomes: new Map([
        ['good', { quality: 1, costUsd: 0.001 }],
        ['bad', { quality: 0, costUsd: 0.001 }],
      ]),
    })),
    models: ['good', 'bad'],
    costs: new Map([
      ['good', 0.001],
      ['bad', 0.001],
    ]),
    priorQualities: new Map([
      ['good', 0.5],
      ['bad', 0.5],
    ]),
  };
}

describe('judgeCandidate', () => {
  it('refuses a candidate worse than the live policy on held-out rows when no feedback is logged', () => {
    const verdict = judgeCandidate(
      policyPreferring('bad', 2n),
      policyPreferring('good', 1n),
      evidence(40),
      'seed',
    );
    expect(verdict.candidate?.method).toBe('full_information');
    expect(verdict.candidate!.upper).toBeLessThan(verdict.live!.lower);
    expect(verdict.refusal).toMatch(
      /^estimated worse than live version 1: -?0\.\d{3} \[.*\] against 0\.\d{3} \[.*\] \(full information, 40 samples\)$/,
    );
  });

  it('lets a better candidate through, and a first one without a live policy', () => {
    expect(
      judgeCandidate(policyPreferring('good', 2n), policyPreferring('bad', 1n), evidence(40), 'seed').refusal,
    ).toBeUndefined();
    const first = judgeCandidate(policyPreferring('bad', 1n), undefined, evidence(40), 'seed');
    expect(first.refusal).toBeUndefined();
    expect(first.candidate?.samples).toBe(40);
  });

  it('neither estimates nor refuses without data', () => {
    const verdict = judgeCandidate(
      policyPreferring('bad', 2n),
      policyPreferring('good', 1n),
      evidence(1),
      'seed',
    );
    expect(verdict).toEqual({ candidate: undefined, live: undefined, refusal: undefined });
  });
});
