import { featuriseRow } from './imported-row.js';
import { readImportedRows } from './imported-row-store.js';
import type { JudgeEvidence } from './judge-candidate.js';
import { MIN_FEEDBACK_SAMPLES } from './judge-candidate.js';
import { readRecentObservations, readRouteObservations } from './observation-store.js';
import type { Queryable } from './open-database.js';
import type { RouteCatalog } from './route-catalog.js';
import { costOf } from './route-figures.js';
import type { RouteFigures } from './route-figures.js';
import type { RouteTrainingExample } from './train-route.js';

/** The newest logged feedback the off-policy estimate reads. */
const MAX_FEEDBACK_SAMPLES = 2_000;
/** The newest held-out rows the full-information estimate reads. */
const MAX_HELD_OUT_ROWS = 1_000;

/** A route's training data for a refit. */
export interface TrainingSet {
  readonly examples: RouteTrainingExample[];
  /** The observations it holds (a refit's predictors learned them: they are not applied again). */
  readonly observationIds: ReadonlySet<number>;
  /** The newest of them, 0 when none. */
  readonly newestObservationId: number;
  readonly importedRows: number;
}

/**
 * Reads what a refit trains on: the imported rows that are not held out (each prompt featurised
 * once, shared by its models' outcomes) and every kept observation, for the route's candidates.
 */
export async function loadTrainingSet(
  database: Queryable,
  route: string,
  models: readonly string[],
  maxImportedRows: number,
): Promise<TrainingSet> {
  const candidates = new Set(models);
  const [rows, observations] = await Promise.all([
    readImportedRows(database, route, false, maxImportedRows),
    readRouteObservations(database, route),
  ]);
  const examples: RouteTrainingExample[] = [];
  for (const row of rows) {
    const indices = featuriseRow(row);
    for (const [model, outcome] of row.outcomes) {
      if (candidates.has(model)) examples.push({ indices, model, quality: outcome.quality, weight: 1 });
    }
  }
  const kept = observations.filter((observation) => candidates.has(observation.model));
  for (const observation of kept) examples.push(observation);
  return {
    examples,
    observationIds: new Set(observations.map((observation) => observation.id)),
    newestObservationId: observations.reduce((newest, observation) => Math.max(newest, observation.id), 0),
    importedRows: rows.length,
  };
}

/** Reads what a candidate policy is judged on (see judgeCandidate). */
export async function loadJudgeEvidence(
  database: Queryable,
  route: string,
  models: readonly string[],
  figures: RouteFigures,
  catalog: RouteCatalog,
): Promise<JudgeEvidence> {
  const feedback = await readRecentObservations(database, route, 'feedback', MAX_FEEDBACK_SAMPLES);
  const heldOut =
    feedback.length >= MIN_FEEDBACK_SAMPLES
      ? []
      : (await readImportedRows(database, route, true, MAX_HELD_OUT_ROWS)).map((row) => ({
          indices: featuriseRow(row),
          outcomes: row.outcomes,
        }));
  return {
    feedback,
    heldOut,
    models,
    costs: new Map(models.map((model) => [model, costOf(figures, model)])),
    priorQualities: new Map(models.map((model) => [model, catalog.priorQuality(model)])),
  };
}
