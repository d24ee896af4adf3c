import { create } from '@bufbuild/protobuf';
import { AlreadyExistsError, NotFoundError } from '@switchboard/errors';
import { RouteSpecSchema } from '@switchboard/protocol';
import type { RouteSpec } from '@switchboard/protocol';
import type { Database, Queryable } from './open-database.js';

interface RouteRow {
  name: string;
  description: string;
  updated_at: Date;
  /** Candidate models in order of preference. */
  models: string[];
}

/** Reads routes with their models in order; one route when `name` is given. */
async function selectRoutes(sql: Queryable, name?: string): Promise<RouteSpec[]> {
  const rows = await sql<RouteRow[]>`
    SELECT r.name, r.description, r.updated_at,
      ARRAY(SELECT rm.model_name FROM route_models rm WHERE rm.route_name = r.name ORDER BY rm.position) AS models
    FROM routes r
    WHERE ${name === undefined ? sql`true` : sql`r.name = ${name}`}
    ORDER BY r.name`;
  return rows.map((row) =>
    create(RouteSpecSchema, {
      name: row.name,
      models: row.models,
      description: row.description,
      updatedAtUnixMs: BigInt(row.updated_at.getTime()),
    }),
  );
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
 * Creates the route or replaces its models and description.
 * @throws NotFoundError naming every listed model that is not registered.
 * @throws AlreadyExistsError when a model has the route's name.
 */
export async function putRoute(database: Database, spec: RouteSpec): Promise<RouteSpec> {
  return database.begin(async (sql) => {
    const [model] = await sql`SELECT name FROM models WHERE name = ${spec.name}`;
    if (model !== undefined) {
      throw new AlreadyExistsError(
        `a model is already named ${JSON.stringify(spec.name)}; models and routes share one namespace because clients call either by name`,
      );
    }
    // FOR SHARE keeps the listed models from being deleted before this transaction commits.
    const found = await sql<
      { name: string }[]
    >`SELECT name FROM models WHERE name = ANY(${spec.models}) FOR SHARE`;
    const missing = spec.models.filter((name) => !found.some((row) => row.name === name));
    if (missing.length > 0) {
      throw new NotFoundError(
        `route ${JSON.stringify(spec.name)} lists model(s) that are not registered: ${missing.join(', ')}`,
      );
    }
    await sql`
      INSERT INTO routes (name, description) VALUES (${spec.name}, ${spec.description})
      ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, updated_at = now()`;
    await sql`DELETE FROM route_models WHERE route_name = ${spec.name}`;
    const members = spec.models.map((modelName, position) => ({
      route_name: spec.name,
      position,
      model_name: modelName,
    }));
    await sql`INSERT INTO route_models ${sql(members)}`;
    return getRoute(sql, spec.name);
  });
}

/** Deletes a route. @throws NotFoundError when there is none. */
export async function deleteRoute(database: Database, name: string): Promise<void> {
  const deleted = await database`DELETE FROM routes WHERE name = ${name} RETURNING name`;
  if (deleted.length === 0) throw new NotFoundError(`route ${JSON.stringify(name)} does not exist`);
}
