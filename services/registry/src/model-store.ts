import { AlreadyExistsError, FailedPreconditionError, NotFoundError } from '@switchboard/errors';
import type { ModelSpec } from '@switchboard/protocol';
import type { JSONValue } from 'postgres';
import { describeRouteUses } from './describe-route-uses.js';
import { toModelColumns, toModelSpec } from './model-row.js';
import type { ModelRow } from './model-row.js';
import type { Database, Queryable } from './open-database.js';
import { rejectTakenName } from './reject-taken-name.js';

/**
 * Reads models with their versions (oldest first) and each version's artifact; one model when
 * `name` is given. Workers load a version other than the current one from its artifact when a
 * rollout arm sends them jobs for it, so every read (and the KV copy) carries all of them.
 */
async function selectModels(sql: Queryable, name?: string): Promise<ModelSpec[]> {
  const rows = await sql<ModelRow[]>`
    SELECT m.*,
      ARRAY(SELECT v.version FROM model_versions v WHERE v.model_name = m.name ORDER BY v.ordinal) AS versions,
      (SELECT json_object_agg(v.version, v.artifact ORDER BY v.ordinal)
        FROM model_versions v WHERE v.model_name = m.name) AS version_artifacts
    FROM models m
    WHERE ${name === undefined ? sql`true` : sql`m.name = ${name}`}
    ORDER BY m.name`;
  return rows.map(toModelSpec);
}

/** The model named `name`, or undefined when there is none. */
export async function findModel(sql: Queryable, name: string): Promise<ModelSpec | undefined> {
  const [model] = await selectModels(sql, name);
  return model;
}

/** The model named `name`. @throws NotFoundError when there is none. */
export async function getModel(sql: Queryable, name: string): Promise<ModelSpec> {
  const model = await findModel(sql, name);
  if (model === undefined) throw new NotFoundError(`model ${JSON.stringify(name)} is not registered`);
  return model;
}

/** Every model, by name. */
export function listModels(sql: Queryable): Promise<ModelSpec[]> {
  return selectModels(sql);
}

/**
 * Inserts a validated model and its first version.
 * @throws AlreadyExistsError when a model or a route already has the name.
 */
export async function insertModel(database: Database, spec: ModelSpec): Promise<ModelSpec> {
  return database.begin(async (sql) => {
    await rejectTakenName(sql, 'route', spec.name);
    const inserted = await sql`
      INSERT INTO models ${sql(toParameters(sql, spec))}
      ON CONFLICT (name) DO NOTHING
      RETURNING name`;
    if (inserted.length === 0) {
      throw new AlreadyExistsError(
        `model ${JSON.stringify(spec.name)} is already registered; use UpdateModel to change it`,
      );
    }
    await sql`INSERT INTO model_versions (model_name, version, artifact) VALUES (${spec.name}, ${spec.version}, ${spec.artifact})`;
    return getModel(sql, spec.name);
  });
}

/**
 * Replaces a model's mutable fields. A version string not seen before is recorded as a new version;
 * an existing one must keep the artifact it was registered with.
 * @throws NotFoundError when the model does not exist.
 * @throws FailedPreconditionError when an existing version would get a different artifact.
 */
export async function updateModel(database: Database, spec: ModelSpec): Promise<ModelSpec> {
  return database.begin(async (sql) => {
    const [locked] = await sql`SELECT name FROM models WHERE name = ${spec.name} FOR UPDATE`;
    if (locked === undefined) throw new NotFoundError(`model ${JSON.stringify(spec.name)} is not registered`);
    const [existing] = await sql<{ artifact: string }[]>`
      SELECT artifact FROM model_versions WHERE model_name = ${spec.name} AND version = ${spec.version}`;
    if (existing === undefined) {
      await sql`INSERT INTO model_versions (model_name, version, artifact) VALUES (${spec.name}, ${spec.version}, ${spec.artifact})`;
    } else if (existing.artifact !== spec.artifact) {
      throw new FailedPreconditionError(
        `version ${JSON.stringify(spec.version)} of model ${JSON.stringify(spec.name)} was registered with artifact ` +
          `${JSON.stringify(existing.artifact)}; give a new version to change the artifact`,
      );
    }
    const { name, ...columns } = toParameters(sql, spec);
    await sql`UPDATE models SET ${sql(columns)}, updated_at = now() WHERE name = ${spec.name}`;
    return getModel(sql, spec.name);
  });
}

/**
 * Deletes a model and its versions.
 * @throws NotFoundError when the model does not exist.
 * @throws FailedPreconditionError naming the routes that still name the model as a candidate, a
 * rollout arm or a shadow, and in which role.
 */
export async function deleteModel(database: Database, name: string): Promise<void> {
  await database.begin(async (sql) => {
    const [locked] = await sql`SELECT name FROM models WHERE name = ${name} FOR UPDATE`;
    if (locked === undefined) throw new NotFoundError(`model ${JSON.stringify(name)} is not registered`);
    const uses = await describeRouteUses(sql, name);
    if (uses !== undefined) {
      throw new FailedPreconditionError(
        `model ${JSON.stringify(name)} is used by route(s) ${uses}; remove it from them or delete them first`,
      );
    }
    await sql`DELETE FROM models WHERE name = ${name}`;
  });
}

/** Column values for INSERT/UPDATE; jsonb columns go through sql.json, or arrays would become Postgres arrays. */
function toParameters(sql: Queryable, spec: ModelSpec) {
  const columns = toModelColumns(spec);
  const json = (value: unknown) => sql.json(value as JSONValue);
  return {
    ...columns,
    inputs: json(columns.inputs),
    outputs: json(columns.outputs),
    batching: columns.batching === null ? null : json(columns.batching),
    scaling: columns.scaling === null ? null : json(columns.scaling),
    runtime_options: json(columns.runtime_options),
  };
}
