import type { ModelSpec } from '@switchboard/protocol';
import { reportProgress } from '../shared/report-progress.js';
import { fitCostWeight } from './fit-cost-weight.js';
import type { CostWeightPoint } from './fit-cost-weight.js';
import type { RoutingFlags } from './parse-routing-flags.js';
import type { RoutingInputs } from './prepare-routing-inputs.js';
import { predictedCostUsd } from './routing-models.js';
import type { FittedCostWeight } from './routing-results.js';
import { REFERENCE_MODEL } from './summarise-routing.js';

/**
 * λ of the two learned routes: `--cost-weight N` for both, or (auto) fitted on the training rows for
 * optimizer-offline's and optimizer-online's cost targets, with the sweep for the report.
 * @param specs the registry entry of each model, by position in `inputs.fileModels` (their prices).
 * @param exploration the routes' exploration while testing.
 * @throws Error for auto when the files do not record gpt-4-1106-preview, the cost reference.
 */
export function chooseCostWeights(
  flags: RoutingFlags,
  inputs: RoutingInputs,
  specs: readonly ModelSpec[],
  exploration: number,
): { offline: FittedCostWeight; online: FittedCostWeight; sweep: readonly CostWeightPoint[] } {
  if (flags.costWeight.kind === 'fixed') {
    const given = {
      cost_weight_per_usd: flags.costWeight.perUsd,
      cost_target: null,
      fit_accuracy: null,
      fit_cost_share: null,
    };
    return { offline: given, online: given, sweep: [] };
  }
  if (!inputs.fileModels.includes(REFERENCE_MODEL)) {
    throw new Error(
      `--cost-weight auto compares costs with ${REFERENCE_MODEL}, which the files do not record; give --cost-weight N`,
    );
  }
  reportProgress('fitting λ by 5-fold cross-validation on the training rows');
  const targets = [flags.costTarget, flags.onlineCostTarget];
  const fit = fitCostWeight({
    records: inputs.train.map((prompt) => prompt.record),
    models: inputs.fileModels.map((fileName, position) => ({
      fileName,
      registryName: inputs.llms[position]!.name,
      predictedCostUsd: (prompt: string) => predictedCostUsd(specs[position]!, prompt),
    })),
    referenceModel: REFERENCE_MODEL,
    costTargets: targets,
    exploration,
    seed: flags.seed,
  });
  const [offline, online] = fit.chosen.map((point, position) => ({
    cost_weight_per_usd: point.costWeightPerUsd,
    cost_target: targets[position]!,
    fit_accuracy: point.accuracy,
    fit_cost_share: point.costShare,
  }));
  return { offline: offline!, online: online!, sweep: fit.points };
}
