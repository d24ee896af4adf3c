import { NotFoundError } from '@switchboard/errors';
import type { RouteSpec } from '@switchboard/protocol';
import { checkArmVersions } from './check-arm-versions.js';
import type { ModelVersions } from './check-arm-versions.js';
import type { Database, Queryable } from './open-database.js';
import { rejectTakenName } from './reject-taken-name.js';
import { toCandidateRows, toRolloutArmRows, toRouteColumns, toRouteSpec, toShadowRows } from './route-row.js';
import type { RouteRow } from './route-row.js';

/**
 * Reads routes with their candidates (each with its rollout arms) and shadows, in order; one route
 * when `name` is given. One statement, so a route is never read half-replaced even outside a
 * transaction. float8 values survive the json aggregation exactly: Postgres 12+ prints the
 * shortest text that reads back as the same double.
 */
async function selectRoutes(sql: Queryable, name?: string): Promise<RouteSpec[]> {
  const rows = await sql<RouteRow[]>`
    SELECT r.name, r.description, r.updated_at, r.objective, r.when_infeasible, r.min_quality,
      r.max_attempts, r.cascade_confidence_threshold, r.cascade_max_steps,
      COALESCE((
        SELECT json_agg(json_build_object(
          'model', c.model_name, 'modalities', c.modalities, 'minComplexity', c.min_complexity,
          'maxComplexity', c.max_complexity, 'tiers', c.tiers,
          'rollout', COALESCE((
            SELECT json_agg(json_build_object(
              'model', a.model_name, 'percent', a.percent, 'version', COALESCE(a.version, '')
            ) ORDER BY a.position)
            FROM route_rollout_arms a
            WHERE a.route_name = c.route_name AND a.candidate_position = c.position
          ), '[]')
        ) ORDER BY c.position)
        FROM route_candidates c WHERE c.route_name = r.name
      ), '[]') AS candidates,
      COALESCE((
        SELECT json_agg(json_build_object('model', s.model_name, 'percent', s.percent) ORDER BY s.position)
        FROM route_shadows s WHERE s.route_name = r.name
      ), '[]') AS shadows
    FROM routes r
    WHERE ${name === undefined ? sql`true` : sql`r.name = ${name}`}
    ORDER BY r.name`;
  return rows.map(toRouteSpec);
}

/** The route named `name`, or undefined when there is none. */
export async function findRoute(sql: Queryable, name: string): Promise<RouteSpec | undefined> {
  const [route] = await selectRoutes(sql, name);
  return route;
}

/** The route named `name`. @throws NotFoundError when there is none. */
export async function getRoute(sql: Queryable, name: string): Promise<RouteSpec> {
  const route = await findRoute(sql, name);
  if (route === undefined) throw new NotFoundError(`route ${JSON.stringify(name)} does not exist`);
  return route;
}

/** Every route, by name. */
export function listRoutes(sql: Queryable): Promise<RouteSpec[]> {
  return selectRoutes(sql);
}

/**
 * Creates the route or replaces all of it: description, policy, cascade, candidates with their
 * conditions and rollout arms, and shadows. `spec` comes from validateRouteSpec, so every arm
 * names its model.
 * @throws NotFoundError naming every model the route names (as candidate, arm or shadow) that is
 * not registered, or every arm version its model does not have.
 * @throws AlreadyExistsError when a model has the route's name.
 * @throws InvalidArgumentError when an arm serves its candidate's model at its current version.
 */
export async function putRoute(database: Database, spec: RouteSpec): Promise<RouteSpec> {
  return database.begin(async (sql) => {
    await rejectTakenName(sql, 'model', spec.name);
    checkArmVersions(spec, await lockNamedModels(sql, spec));
    const { name, ...columns } = toRouteColumns(spec);
    await sql`
      INSERT INTO routes ${sql({ name, ...columns })}
      ON CONFLICT (name) DO UPDATE SET ${sql(columns)}, updated_at = now()`;
    // Deleting the candidates deletes their rollout arms (ON DELETE CASCADE).
    await sql`DELETE FROM route_candidates WHERE route_name = ${spec.name}`;
    await sql`DELETE FROM route_shadows WHERE route_name = ${spec.name}`;
    await sql`INSERT INTO route_candidates ${sql(toCandidateRows(spec))}`;
    const arms = toRolloutArmRows(spec);
    if (arms.length > 0) await sql`INSERT INTO route_rollout_arms ${sql(arms)}`;
    const shadows = toShadowRows(spec);
    if (shadows.length > 0) await sql`INSERT INTO route_shadows ${sql(shadows)}`;
    return getRoute(sql, spec.name);
  });
}

/** Deletes a route with its candidates, arms and shadows. @throws NotFoundError when there is none. */
export async function deleteRoute(database: Database, name: string): Promise<void> {
  const deleted = await database`DELETE FROM routes WHERE name = ${name} RETURNING name`;
  if (deleted.length === 0) throw new NotFoundError(`route ${JSON.stringify(name)} does not exist`);
}

/**
 * Checks that every model the route names is registered and keeps them from being deleted until
 * the transaction commits (FOR SHARE). Returns them by name with their versions, for checkArmVersions.
 * @throws NotFoundError naming the unregistered ones.
 */
async function lockNamedModels(sql: Queryable, spec: RouteSpec): Promise<Map<string, ModelVersions>> {
  const named = [
    ...new Set([
      ...spec.candidates.flatMap((candidate) => [
        candidate.model,
        ...candidate.rollout.map((arm) => arm.model),
      ]),
      ...spec.shadows.map((shadow) => shadow.model),
    ]),
  ];
  const found = await sql<ModelVersions[]>`
    SELECT m.name, m.current_version,
      ARRAY(SELECT v.version FROM model_versions v WHERE v.model_name = m.name ORDER BY v.ordinal) AS versions
    FROM models m WHERE m.name = ANY(${named}) FOR SHARE`;
  const models = new Map(found.map((row) => [row.name, row]));
  const missing = named.filter((modelName) => !models.has(modelName));
  if (missing.length > 0) {
    throw new NotFoundError(
      `route ${JSON.stringify(spec.name)} lists model(s) that are not registered: ${missing.join(', ')}; register them first`,
    );
  }
  return models;
}
