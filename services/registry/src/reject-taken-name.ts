import { AlreadyExistsError } from '@switchboard/errors';
import type { Queryable } from './open-database.js';

const TABLES = { model: 'models', route: 'routes' } as const;

/**
 * Refuses `name` for a route when a model has it, or for a model when a route has it: clients call
 * models and routes by the same name field, so one name may not mean both.
 * @throws AlreadyExistsError when a `kind` is already named `name`.
 */
export async function rejectTakenName(sql: Queryable, kind: 'model' | 'route', name: string): Promise<void> {
  const [taken] = await sql`SELECT name FROM ${sql(TABLES[kind])} WHERE name = ${name}`;
  if (taken !== undefined) {
    throw new AlreadyExistsError(
      `a ${kind} is already named ${JSON.stringify(name)}; models and routes share one namespace because clients call either by name`,
    );
  }
}
