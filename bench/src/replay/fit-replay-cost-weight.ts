import type { OutcomeRecord } from '@switchboard/outcome-files';
import type { ModelSpec } from '@switchboard/protocol';
import { fitCostWeight } from '../routing/fit-cost-weight.js';
import { estimateCostUsd } from '../shared/estimate-cost-usd.js';
import type { TraceArrival } from '../shared/read-trace.js';
import type { Random } from '../shared/seeded-random.js';
import type { SimulatedLlm } from './llm-catalogue.js';
import { llmRequestComplexity } from '../shared/llm-infer-request.js';

/** What the fit needs: the training rows only, the models as registered, and the trace's request sizes. */
export interface ReplayCostWeightFitOptions {
  readonly train: readonly OutcomeRecord[];
  readonly models: readonly SimulatedLlm[];
  /** The registry entry of each model, by position in `models` (the prices the router predicts from). */
  readonly specs: readonly ModelSpec[];
  /** The trace's requests, whose input sizes the replay's requests carry. */
  readonly arrivals: readonly TraceArrival[];
  /** The cost to aim at, as a share of the dearest model's cost on the training rows. */
  readonly costTarget: number;
  /** The route's exploration share, so explored decisions cost what they will. */
  readonly exploration: number;
  readonly seed: number;
  /** Draws the trace request each training row is priced as. */
  readonly random: Random;
}

/** The λ chosen, with what it did on the training rows' folds. */
export interface ReplayCostWeight {
  readonly costWeightPerUsd: number;
  /** Cross-validated share of training prompts answered correctly, exploration included, unloaded. */
  readonly accuracy: number;
  /** Cross-validated cost as a share of the dearest model's. */
  readonly costShare: number;
  /** The dearest model (its RouterBench name): what the cost share is a share of. */
  readonly referenceModel: string;
}

const priceOf = (model: SimulatedLlm) => model.inputUsdPerMillion + model.outputUsdPerMillion;

/**
 * λ of the learned route, by the routing benchmark's fit (fitCostWeight: k-fold cross-validation on
 * the training rows with the optimizer's trainer and the route's exploration; the most accurate λ
 * of its grid whose cost stays within the target). Costs are compared with the dearest model's
 * (gpt-4-1106-preview: always-largest, and static's choice for every task of the default data). The
 * router predicts a replay request's cost from its whole input — the prompt plus the trace request's
 * earlier conversation — so each training row is priced as a request of a trace size drawn from the
 * trace: λ is fitted against the costs the router will predict.
 * @throws Error when there are no models or no training rows.
 */
export function fitReplayCostWeight(options: ReplayCostWeightFitOptions): ReplayCostWeight {
  const { models, arrivals, random } = options;
  if (models.length === 0 || options.train.length === 0 || arrivals.length === 0)
    throw new Error('fitting λ needs models, training rows and trace requests');
  const reference = models.reduce((dearest, model) => (priceOf(model) > priceOf(dearest) ? model : dearest));
  const complexities = new Map(
    options.train.map((record) => {
      const arrival = arrivals[Math.floor(random() * arrivals.length)] as TraceArrival;
      return [record.prompt, llmRequestComplexity(record.prompt, arrival.promptTokens)] as const;
    }),
  );
  const fit = fitCostWeight({
    records: options.train,
    models: models.map((model, position) => ({
      fileName: model.routerBenchName,
      registryName: model.name,
      predictedCostUsd: (prompt: string) =>
        estimateCostUsd(options.specs[position] as ModelSpec, complexities.get(prompt) ?? 0),
    })),
    referenceModel: reference.routerBenchName,
    costTargets: [options.costTarget],
    exploration: options.exploration,
    seed: options.seed,
  });
  const chosen = fit.chosen[0];
  if (chosen === undefined) throw new Error('the λ fit chose nothing');
  return { ...chosen, referenceModel: reference.routerBenchName };
}
