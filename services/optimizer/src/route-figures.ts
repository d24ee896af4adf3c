import { readDecisionFigures } from './decision-store.js';
import type { DecisionFigures } from './decision-store.js';
import { readImportedFigures } from './imported-row-store.js';
import type { ImportedFigures } from './imported-row-store.js';
import { readFeedbackFigures } from './observation-store.js';
import type { Queryable } from './open-database.js';

/** What the optimizer has measured of each model on a route, from the three kinds of evidence. */
export interface RouteFigures {
  readonly decisions: ReadonlyMap<string, DecisionFigures>;
  readonly imported: ReadonlyMap<string, ImportedFigures>;
  readonly feedback: ReadonlyMap<string, { readonly count: number; readonly meanQuality: number }>;
}

/** Reads the route's figures. */
export async function readRouteFigures(database: Queryable, route: string): Promise<RouteFigures> {
  const [decisions, imported, feedback] = await Promise.all([
    readDecisionFigures(database, route),
    readImportedFigures(database, route),
    readFeedbackFigures(database, route),
  ]);
  return { decisions, imported, feedback };
}

/** A model's cost per request: the mean of its recent decisions, else of its imported outcomes, else 0. */
export function costOf(figures: RouteFigures, model: string): number {
  const decided = figures.decisions.get(model);
  if (decided !== undefined && decided.decisions > 0) return decided.meanCostUsd;
  return figures.imported.get(model)?.meanCostUsd ?? 0;
}

/** A model's mean quality over its imported outcomes and its feedback, weighted by their counts. */
export function meanQualityOf(figures: RouteFigures, model: string): number {
  const imported = figures.imported.get(model);
  const feedback = figures.feedback.get(model);
  const count = (imported?.rows ?? 0) + (feedback?.count ?? 0);
  if (count === 0) return 0;
  return (
    ((imported?.rows ?? 0) * (imported?.meanQuality ?? 0) +
      (feedback?.count ?? 0) * (feedback?.meanQuality ?? 0)) /
    count
  );
}

/** Every model's SLO-miss rate over its recent decisions. */
export function sloMissRatesOf(figures: RouteFigures): Map<string, number> {
  return new Map([...figures.decisions].map(([model, decided]) => [model, decided.sloMissRate]));
}
