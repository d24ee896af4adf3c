import type { OutcomeRecord } from '@switchboard/outcome-files';
import {
  DEFAULT_FEATURE_SETTINGS,
  choiceProbabilities,
  featurisePrompt,
  predictLogit,
  trainRoutePredictors,
} from '@switchboard/routing-policy';
import type { LogitBelief, PolicyCandidate, RoutePolicy, RouteExample } from '@switchboard/routing-policy';
import { createSeededRandom } from '../shared/seeded-random.js';
import { promptHashShare } from './split-prompts.js';

/** A model as the fit sees it: its name in the file, its registry name and the router's predicted cost. */
export interface FitModel {
  readonly fileName: string;
  readonly registryName: string;
  /** What the router predicts a prompt costs on the model, US dollars (predictedCostUsd). */
  readonly predictedCostUsd: (prompt: string) => number;
}

/** What to fit λ on and for. */
export interface CostWeightFitOptions {
  /** The training rows only: the held-out prompts never take part. */
  readonly records: readonly OutcomeRecord[];
  readonly models: readonly FitModel[];
  /** The file name of the model costs are compared with (always-gpt-4-1106-preview). */
  readonly referenceModel: string;
  /** Cost targets, each a share of the reference model's cost on the same prompts. */
  readonly costTargets: readonly number[];
  /** Exploration share the route decides with, so explored decisions cost what they will. */
  readonly exploration: number;
  /** Cross-validation folds. @default 5 */
  readonly folds?: number;
  readonly seed: number;
}

/** One λ of the sweep and what it did on the out-of-fold prompts. */
export interface CostWeightPoint {
  readonly costWeightPerUsd: number;
  /** Expected share of prompts answered correctly, exploration included. */
  readonly accuracy: number;
  /** Expected cost as a share of the reference model's. */
  readonly costShare: number;
}

/** The sweep and, per target, the λ chosen for it. */
export interface CostWeightFit {
  readonly points: readonly CostWeightPoint[];
  /** By position in `costTargets`: the most accurate point within the target (the cheapest when none is). */
  readonly chosen: readonly CostWeightPoint[];
}

/** 0, then 0.1 to 1,000 per US dollar, 40 steps per decade (cost falls steeply over a narrow range of λ). */
const COST_WEIGHTS = [0, ...Array.from({ length: 161 }, (_, step) => 10 ** (-1 + step / 40))];
/** Posterior draws per prompt for the exploration share's Thompson win rates. */
const EXPLORATION_DRAWS = 32;

/** A validation prompt with each model's belief, predicted cost and recorded outcome, by model position. */
interface ScoredPrompt {
  readonly beliefs: LogitBelief[];
  readonly predictedCostsUsd: number[];
  readonly correct: number[];
  readonly costsUsd: number[];
}

/**
 * Fits λ (reward lost per predicted US dollar) for the learned routes on the training rows alone:
 * k-fold cross-validation trains every model's predictor as the optimizer does after an import
 * (trainRoutePredictors, the policy's feature settings) on k−1 folds and scores the held-out fold;
 * then, for each λ of a log-spaced grid, the policy's choice probabilities (chooseWithPolicy's
 * greedy share plus Thompson exploration) give its expected accuracy and cost on every out-of-fold
 * prompt. Per target, the most accurate λ whose cost share stays within it is chosen.
 */
export function fitCostWeight(options: CostWeightFitOptions): CostWeightFit {
  const scored = scoreOutOfFold(options);
  const referenceCost = options.records.reduce(
    (sum, record) => sum + (record.outcomes.get(options.referenceModel)?.costUsd ?? 0),
    0,
  );
  const random = createSeededRandom(options.seed, 4);
  const points = COST_WEIGHTS.map((costWeightPerUsd) =>
    evaluate(costWeightPerUsd, scored, options, referenceCost, random),
  );
  const chosen = options.costTargets.map((target) => {
    const within = points.filter((point) => point.costShare <= target);
    if (within.length === 0) return points.at(-1) as CostWeightPoint;
    return within.reduce((best, point) => (point.accuracy > best.accuracy ? point : best));
  });
  return { points, chosen };
}

function scoreOutOfFold(options: CostWeightFitOptions): ScoredPrompt[] {
  const folds = options.folds ?? 5;
  const { hashBits } = DEFAULT_FEATURE_SETTINGS;
  const rows = options.records.map((record) => ({
    record,
    indices: featurisePrompt(record.prompt, DEFAULT_FEATURE_SETTINGS),
    fold: Math.floor(promptHashShare(record.prompt, options.seed + 1) * folds),
  }));
  const names = options.models.map((model) => model.registryName);
  const scored: ScoredPrompt[] = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const examples: RouteExample[] = rows
      .filter((row) => row.fold !== fold)
      .flatMap((row) =>
        options.models.map((model) => ({
          model: model.registryName,
          indices: row.indices,
          quality: row.record.outcomes.get(model.fileName)?.quality ?? 0,
        })),
      );
    const predictors = trainRoutePredictors(names, hashBits, examples, {
      random: createSeededRandom(options.seed, 5 + fold),
    });
    for (const row of rows.filter((candidate) => candidate.fold === fold)) {
      const outcomes = options.models.map((model) => row.record.outcomes.get(model.fileName));
      scored.push({
        beliefs: names.map((name) => predictLogit(predictors.get(name)!, row.indices)),
        predictedCostsUsd: options.models.map((model) => model.predictedCostUsd(row.record.prompt)),
        correct: outcomes.map((outcome) => ((outcome?.quality ?? 0) >= 0.5 ? 1 : 0)),
        costsUsd: outcomes.map((outcome) => outcome?.costUsd ?? 0),
      });
    }
  }
  return scored;
}

function evaluate(
  costWeightPerUsd: number,
  scored: readonly ScoredPrompt[],
  options: CostWeightFitOptions,
  referenceCost: number,
  random: () => number,
): CostWeightPoint {
  const policy = toPolicy(costWeightPerUsd, options.exploration);
  let correct = 0;
  let cost = 0;
  for (const prompt of scored) {
    const candidates: PolicyCandidate[] = options.models.map((model, position) => ({
      model: model.registryName,
      costUsd: prompt.predictedCostsUsd[position]!,
      priorQuality: 0.5,
      belief: prompt.beliefs[position]!,
    }));
    const { probabilities } = choiceProbabilities(
      policy,
      candidates,
      EMPTY_INDICES,
      '',
      random,
      EXPLORATION_DRAWS,
    );
    probabilities.forEach((probability, position) => {
      correct += probability * prompt.correct[position]!;
      cost += probability * prompt.costsUsd[position]!;
    });
  }
  return {
    costWeightPerUsd,
    accuracy: scored.length === 0 ? 0 : correct / scored.length,
    costShare: referenceCost === 0 ? 0 : cost / referenceCost,
  };
}

/** Every candidate carries its belief, so the policy needs no predictors of its own. */
const EMPTY_INDICES = new Uint32Array(0);

function toPolicy(costWeightPerUsd: number, exploration: number): RoutePolicy {
  return {
    route: '(fit)',
    version: 0n,
    createdUnixMs: 0,
    features: DEFAULT_FEATURE_SETTINGS,
    predictors: new Map(),
    sloMissRates: new Map(),
    meanQualities: new Map(),
    settings: { costWeightPerUsd, sloMissWeight: 0, exploration, explorationByTier: new Map() },
    estimate: undefined,
  };
}
