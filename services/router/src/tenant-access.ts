import { PermissionDeniedError } from '@switchboard/errors';
import type { Target } from './selection/model-selector.js';

/**
 * What a tenant may call: routes by name and models by name. Both lists empty means everything
 * (tenants stored before access lists existed); otherwise only what is listed.
 */
export interface TenantAccess {
  readonly routes: readonly string[];
  readonly models: readonly string[];
}

/** Access to everything. */
export const UNRESTRICTED_ACCESS: TenantAccess = Object.freeze({ routes: [], models: [] });

/** The most names a refusal lists of each kind; a long list would make every refusal huge. */
const MAX_LISTED_NAMES = 20;

function listNames(kind: string, names: readonly string[]): string {
  if (names.length === 0) return `no ${kind}`;
  const listed = names.slice(0, MAX_LISTED_NAMES).join(', ');
  const more = names.length - MAX_LISTED_NAMES;
  return `${kind} ${listed}${more > 0 ? ` and ${more} more` : ''}`;
}

/** Whether `access` limits what may be called at all. */
export function isRestricted(access: TenantAccess): boolean {
  return access.routes.length > 0 || access.models.length > 0;
}

/** What `access` allows, for messages: `routes chat and models small by name`. */
export function describeAllowed(access: TenantAccess): string {
  return `${listNames('routes', access.routes)} and ${listNames('models', access.models)} by name`;
}

/**
 * Checks that `tenant` may call `target`: a route must be in its routes, a model called by name in
 * its models, unless both lists are empty. Checked on every path that names a model or route
 * (ModelInfer, ModelReady, ModelMetadata), so a concrete model name cannot get around a route.
 * @throws PermissionDeniedError naming what the tenant may call.
 */
export function checkTenantAccess(tenant: { name: string; access: TenantAccess }, target: Target): void {
  const { routes, models } = tenant.access;
  if (!isRestricted(tenant.access)) return;
  const [kind, name, allowed] =
    target.kind === 'route'
      ? (['route', target.route.name, routes] as const)
      : (['model', target.model.name, models] as const);
  if (allowed.includes(name)) return;
  throw new PermissionDeniedError(
    `tenant "${tenant.name}" may not call ${kind} "${name}"; it may call ${describeAllowed(tenant.access)} ` +
      '(an operator changes this with switchboard tenants put --routes/--models)',
  );
}
