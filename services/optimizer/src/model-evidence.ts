import { create } from '@bufbuild/protobuf';
import { ModelEvidenceSchema } from '@switchboard/protocol';
import type { ModelEvidence } from '@switchboard/protocol';
import { predictLogit, sigmoid } from '@switchboard/routing-policy';
import type { RoutePolicy } from '@switchboard/routing-policy';
import { featuriseRow } from './imported-row.js';
import { readImportedRows } from './imported-row-store.js';
import { readRecentObservations } from './observation-store.js';
import type { Queryable } from './open-database.js';
import type { RouteCatalog } from './route-catalog.js';
import { costOf, meanQualityOf, readRouteFigures } from './route-figures.js';

/** Recent prompts the quality uncertainty is averaged over. */
const RECENT_PROMPTS = 50;
/** The logit variance the choice gives a model without a predictor. */
const UNLEARNED_LOGIT_VARIANCE = 1;

/**
 * What `switchboard policy show` explains per candidate model: how much was learned about it, what
 * it scored and cost, how sure the live policy is about it on recent prompts and its share of the
 * route's newest 1,000 decisions made by learned policies (versions change every few seconds while
 * feedback flows, so one version's own decisions would be too few to say anything).
 */
export async function readModelEvidence(
  database: Queryable,
  route: string,
  models: readonly string[],
  live: RoutePolicy | undefined,
  catalog: RouteCatalog,
): Promise<ModelEvidence[]> {
  const [figures, prompts] = await Promise.all([
    readRouteFigures(database, route),
    readRecentPrompts(database, route),
  ]);
  const policyDecisions = models.reduce(
    (sum, model) => sum + (figures.decisions.get(model)?.policyDecisions ?? 0),
    0,
  );
  return models.map((model) => {
    const predictor = live?.predictors.get(model);
    return create(ModelEvidenceSchema, {
      model,
      observations: BigInt(predictor?.observations ?? 0),
      feedback: BigInt(figures.feedback.get(model)?.count ?? 0),
      meanQuality: meanQualityOf(figures, model),
      qualityUncertainty: meanUncertainty(live, model, prompts, catalog.priorQuality(model)),
      meanCostUsd: costOf(figures, model),
      sloMissRate: figures.decisions.get(model)?.sloMissRate ?? 0,
      decisionShare:
        policyDecisions === 0 ? 0 : (figures.decisions.get(model)?.policyDecisions ?? 0) / policyDecisions,
    });
  });
}

/** The features of the route's newest prompts: logged feedback first, imported rows to fill up. */
async function readRecentPrompts(database: Queryable, route: string): Promise<Uint32Array[]> {
  const logged = await readRecentObservations(database, route, 'feedback', RECENT_PROMPTS);
  const prompts = logged.map((observation) => observation.indices);
  if (prompts.length < RECENT_PROMPTS) {
    const rows = await readImportedRows(database, route, false, RECENT_PROMPTS - prompts.length);
    prompts.push(...rows.map(featuriseRow));
  }
  return prompts;
}

/**
 * The mean standard deviation of the predicted quality over `prompts`: σ(m)·(1 − σ(m))·√v for a
 * logit belief N(m, v) (the delta method). A model without a predictor has its prior's.
 */
function meanUncertainty(
  live: RoutePolicy | undefined,
  model: string,
  prompts: readonly Uint32Array[],
  priorQuality: number,
): number {
  const predictor = live?.predictors.get(model);
  if (predictor === undefined || prompts.length === 0)
    return priorQuality * (1 - priorQuality) * Math.sqrt(UNLEARNED_LOGIT_VARIANCE);
  const total = prompts.reduce((sum, indices) => {
    const belief = predictLogit(predictor, indices);
    const quality = sigmoid(belief.mean);
    return sum + quality * (1 - quality) * Math.sqrt(belief.variance);
  }, 0);
  return total / prompts.length;
}
