import { OBSERVATION_SOURCES, indicesFromBytes, indicesToBytes } from './observation.js';
import type { Observation, ObservationSource, StoredObservation } from './observation.js';
import type { Queryable } from './open-database.js';

interface ObservationRow {
  id: number;
  route: string;
  source: ObservationSource;
  request_key: string;
  model: string;
  quality: number;
  weight: number;
  feature_indices: Uint8Array;
  tier: string;
  policy_version: number;
  propensity: number;
  cost_usd: number;
  slo_missed: boolean;
  observed_at: Date;
}

/**
 * Stores observations; one already stored for the same (route, source, request) is left as it was,
 * so feedback repeated after JetStream's duplicate window counts once.
 * @returns the observations stored now, with their ids, in id order.
 */
export async function insertObservations(
  database: Queryable,
  observations: readonly Observation[],
): Promise<StoredObservation[]> {
  if (observations.length === 0) return [];
  const rows = observations.map((observation) => ({
    route: observation.route,
    source: observation.source,
    request_key: observation.requestKey,
    model: observation.model,
    quality: observation.quality,
    weight: observation.weight,
    feature_indices: indicesToBytes(observation.indices),
    tier: observation.tier,
    policy_version: observation.policyVersion,
    propensity: observation.propensity,
    cost_usd: observation.costUsd,
    slo_missed: observation.sloMissed,
    observed_at: new Date(observation.observedAtMs),
  }));
  const stored = await database<{ id: number; route: string; source: string; request_key: string }[]>`
    insert into optimizer_observations ${database(rows)}
    on conflict (route, source, request_key) do nothing
    returning id, route, source, request_key`;
  const byKey = new Map(observations.map((observation) => [keyOf(observation), observation]));
  return stored
    .map((row) => ({ ...byKey.get(`${row.route}\n${row.source}\n${row.request_key}`)!, id: row.id }))
    .sort((left, right) => left.id - right.id);
}

function keyOf(observation: Observation): string {
  return `${observation.route}\n${observation.source}\n${observation.requestKey}`;
}

/** Every observation of a route, oldest first: what a refit trains on. */
export async function readRouteObservations(
  database: Queryable,
  route: string,
): Promise<StoredObservation[]> {
  const rows = await database<ObservationRow[]>`
    select * from optimizer_observations where route = ${route} order by id`;
  return rows.map(toObservation);
}

/** A route's observations stored after `afterId`, oldest first: what a restart replays. */
export async function readObservationsAfter(
  database: Queryable,
  route: string,
  afterId: number,
): Promise<StoredObservation[]> {
  const rows = await database<ObservationRow[]>`
    select * from optimizer_observations where route = ${route} and id > ${afterId} order by id`;
  return rows.map(toObservation);
}

/** The newest `limit` observations of one source on a route, newest first. */
export async function readRecentObservations(
  database: Queryable,
  route: string,
  source: ObservationSource,
  limit: number,
): Promise<StoredObservation[]> {
  const rows = await database<ObservationRow[]>`
    select * from optimizer_observations where route = ${route} and source = ${source}
    order by id desc limit ${limit}`;
  return rows.map(toObservation);
}

/** Every route with observations. */
export async function listObservedRoutes(database: Queryable): Promise<string[]> {
  const rows = await database<{ route: string }[]>`select distinct route from optimizer_observations`;
  return rows.map((row) => row.route);
}

/** Deletes all but the newest `keep` observations of each source on the route. */
export async function pruneObservations(database: Queryable, route: string, keep: number): Promise<void> {
  for (const source of OBSERVATION_SOURCES) {
    await database`
      delete from optimizer_observations
      where route = ${route} and source = ${source} and id <= (
        select id from optimizer_observations where route = ${route} and source = ${source}
        order by id desc offset ${keep} limit 1)`;
  }
}

function toObservation(row: ObservationRow): StoredObservation {
  return {
    id: row.id,
    route: row.route,
    source: row.source,
    requestKey: row.request_key,
    model: row.model,
    quality: row.quality,
    weight: row.weight,
    indices: indicesFromBytes(row.feature_indices),
    tier: row.tier,
    policyVersion: row.policy_version,
    propensity: row.propensity,
    costUsd: row.cost_usd,
    sloMissed: row.slo_missed,
    observedAtMs: row.observed_at.getTime(),
  };
}

/** Per model of the route, how much feedback it got and its mean score. */
export async function readFeedbackFigures(
  database: Queryable,
  route: string,
): Promise<Map<string, { readonly count: number; readonly meanQuality: number }>> {
  const rows = await database<{ model: string; count: number; mean_quality: number }[]>`
    select model, count(*)::int8 as count, avg(quality) as mean_quality from optimizer_observations
    where route = ${route} and source = 'feedback' group by model`;
  return new Map(rows.map((row) => [row.model, { count: row.count, meanQuality: Number(row.mean_quality) }]));
}
