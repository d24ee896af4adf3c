import type { Queryable } from './open-database.js';

/**
 * How the routes that name a model use it, for the refusal to delete it: `"fast (candidate),
 * slow (rollout arm, shadow)"`, routes by name; undefined when no route names it.
 */
export async function describeRouteUses(sql: Queryable, modelName: string): Promise<string | undefined> {
  const uses = await sql<{ route_name: string; role: string }[]>`
    SELECT route_name, 'candidate' AS role FROM route_candidates WHERE model_name = ${modelName}
    UNION
    SELECT route_name, 'rollout arm' AS role FROM route_rollout_arms WHERE model_name = ${modelName}
    UNION
    SELECT route_name, 'shadow' AS role FROM route_shadows WHERE model_name = ${modelName}
    ORDER BY route_name, role`;
  if (uses.length === 0) return undefined;
  const roles = new Map<string, string[]>();
  for (const use of uses) roles.set(use.route_name, [...(roles.get(use.route_name) ?? []), use.role]);
  return [...roles].map(([route, routeRoles]) => `${route} (${routeRoles.join(', ')})`).join(', ');
}
