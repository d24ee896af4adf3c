import { pruneDecisions } from './decision-store.js';
import { pruneImportedRows } from './imported-row-store.js';
import { pruneObservations } from './observation-store.js';
import type { Queryable } from './open-database.js';

/** How many rows of each kind a route keeps. */
export interface RouteLimits {
  /** Per source of observation. */
  readonly maxObservations: number;
  readonly maxImportedRows: number;
  readonly maxDecisions: number;
}

/** Deletes a route's oldest rows beyond its limits. */
export async function pruneRouteState(
  database: Queryable,
  route: string,
  limits: RouteLimits,
): Promise<void> {
  await pruneObservations(database, route, limits.maxObservations);
  await pruneImportedRows(database, route, limits.maxImportedRows);
  await pruneDecisions(database, route, limits.maxDecisions);
}
