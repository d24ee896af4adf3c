import type { WorkloadRequest } from './create-workload.js';
import { modelsOf, ROUTE_BY_MODALITY, TIERS } from './model-zoo.js';
import type { WorkloadModality, ZooModel } from './model-zoo.js';
import type { Random } from '../shared/seeded-random.js';

/** The compared ways of choosing a model, in the order they run and are reported. */
export const STRATEGIES = ['static', 'round-robin', 'random', 'switchboard'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What a strategy is, in one line for the output. */
export const STRATEGY_DESCRIPTIONS: Readonly<Record<Strategy, string>> = {
  static: 'a fixed model per request type (modality, tier, size): the cheapest that meets the tier floor',
  'round-robin': 'the capable models of the modality in turn, whatever the tier',
  random: 'a capable model of the modality, uniformly at random',
  switchboard: "the modality's route: the router chooses per request",
};

/** The models of the request's modality that its route would let serve a request of its size. */
function capableModels(request: WorkloadRequest): ZooModel[] {
  return modelsOf(request.modality).filter(
    (model) => model.maxComplexity === undefined || request.complexity <= model.maxComplexity,
  );
}

function costMicros(model: ZooModel, complexity: number): number {
  return model.costPerCallMicros + model.costPerUnitMicros * complexity;
}

/**
 * The static choice for a request type: the cheapest capable model whose quality meets the tier's
 * floor (the best capable one if none does). It is what Switchboard picks for the request when no
 * model is loaded, fixed in advance instead of decided per request.
 */
export function staticModel(request: WorkloadRequest): ZooModel {
  const capable = capableModels(request);
  const floor = TIERS[request.tier].minQuality;
  const meetingFloor = capable.filter((model) => model.quality >= floor);
  const pool = meetingFloor.length > 0 ? meetingFloor : capable;
  const byCost = (left: ZooModel, right: ZooModel) =>
    costMicros(left, request.complexity) - costMicros(right, request.complexity);
  const bestQuality = (left: ZooModel, right: ZooModel) => right.quality - left.quality;
  const [chosen] = [...pool].sort(meetingFloor.length > 0 ? byCost : bestQuality);
  if (chosen === undefined) throw new Error(`no model of the zoo serves ${request.modality} requests`);
  return chosen;
}

function pick(models: readonly ZooModel[], position: number): string {
  const model = models[position % models.length];
  if (model === undefined) throw new Error('a request type without capable models');
  return model.name;
}

/**
 * The name each request of `workload` is sent to under `strategy`: a model name, or for
 * `switchboard` the route of its modality. Decided before the replay, so choosing costs the sender
 * nothing and `random` is repeatable with its seed.
 */
export function chooseTargets(
  strategy: Strategy,
  workload: readonly WorkloadRequest[],
  random: Random,
): string[] {
  const turns = new Map<WorkloadModality, number>();
  return workload.map((request) => {
    switch (strategy) {
      case 'static':
        return staticModel(request).name;
      case 'round-robin': {
        const turn = turns.get(request.modality) ?? 0;
        turns.set(request.modality, turn + 1);
        return pick(capableModels(request), turn);
      }
      case 'random': {
        const capable = capableModels(request);
        return pick(capable, Math.floor(random() * capable.length));
      }
      case 'switchboard':
        return ROUTE_BY_MODALITY[request.modality];
    }
  });
}
