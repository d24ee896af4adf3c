import { createQualityPredictor, featurisePrompt } from '@switchboard/routing-policy';
import type { FeatureSettings, RoutePolicy } from '@switchboard/routing-policy';

/** Small tables keep the tests' policies light; the router applies any size the same way. */
export const TEST_FEATURES: FeatureSettings = Object.freeze({ hashBits: 10, maxPromptChars: 512 });

/** What a test policy believes of one model: its quality logit, and words that move it. */
export interface ModelBelief {
  /** The logit of answering well before any word is seen; 2 ≈ 88%, -2 ≈ 12%. */
  logit: number;
  /** Per word (lowercase), how far its presence moves the logit, scaled as featurisePrompt weighs it. */
  words?: Record<string, number>;
}

export interface TestPolicyOptions {
  route: string;
  version: number;
  models: Record<string, ModelBelief>;
  /** λ, reward lost per US dollar. @default 0 */
  costWeightPerUsd?: number;
  /** Share of decisions that explore. @default 0: every decision is the greedy one, propensity 1 */
  exploration?: number;
}

/**
 * A learned policy written by hand: each model's predictor knows its logit and a few words, and is
 * sure of them (small variances), so the policy's preferences are plain to read in a test.
 */
export function testPolicy(options: TestPolicyOptions): RoutePolicy {
  const predictors = new Map(
    Object.entries(options.models).map(([model, belief]) => {
      const predictor = createQualityPredictor(model, TEST_FEATURES.hashBits, 0.01);
      predictor.biasMean = belief.logit;
      predictor.biasVariance = 0.01;
      for (const [word, shift] of Object.entries(belief.words ?? {})) {
        const [index] = featurisePrompt(word, TEST_FEATURES);
        // A prompt has tens of features, each weighing 1/√count: a large weight moves it clearly.
        if (index !== undefined) predictor.means[index] = shift * 8;
      }
      return [model, predictor] as const;
    }),
  );
  return {
    route: options.route,
    version: BigInt(options.version),
    createdUnixMs: Date.now(),
    features: TEST_FEATURES,
    predictors,
    sloMissRates: new Map(),
    meanQualities: new Map(),
    settings: {
      costWeightPerUsd: options.costWeightPerUsd ?? 0,
      sloMissWeight: 0,
      exploration: options.exploration ?? 0,
      explorationByTier: new Map(),
    },
    estimate: undefined,
  };
}
