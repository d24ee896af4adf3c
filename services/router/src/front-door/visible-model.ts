import type { ModelSpec } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import type { WorkerPresence } from '@switchboard/worker-presence';
import type { Tenant } from '../authenticate.js';
import { checkRequestedName } from '../request-limits.js';
import { representativeModel, resolveTarget } from '../resolve-target.js';
import { checkTenantAccess } from '../tenant-access.js';

/** What the front door's read-only calls (config, statistics, repository) look models up in. */
export interface FrontDoorContext {
  readonly snapshot: RegistrySnapshot;
  readonly presence: WorkerPresence;
}

/**
 * The model that answers for a name (and version) a caller asks about, once the caller is allowed
 * to call that name — the same checks as ModelInfer: a model by name, or a route's representative
 * model (its first candidate a live worker serves).
 * @throws InvalidArgumentError for a malformed name or version.
 * @throws NotFoundError for an unknown name or a version not served.
 * @throws PermissionDeniedError when the tenant may not call the name.
 */
export function resolveVisibleModel(
  context: FrontDoorContext,
  tenant: Tenant,
  name: string,
  version: string,
): ModelSpec {
  checkRequestedName(name, version);
  const target = resolveTarget(context.snapshot, name, version, tenant.access);
  checkTenantAccess(tenant, target);
  return representativeModel(target, context.snapshot, context.presence);
}

/**
 * The registered models the tenant may call by name: all of them for an unrestricted tenant,
 * else those in its model list and the candidates of the routes in its route list.
 */
export function visibleModels(snapshot: RegistrySnapshot, tenant: Tenant): ModelSpec[] {
  const { routes, models } = tenant.access;
  const all = snapshot.listModels().sort((a, b) => a.name.localeCompare(b.name));
  if (routes.length === 0 && models.length === 0) return all;
  const allowed = new Set(models);
  for (const routeName of routes)
    for (const candidate of snapshot.getRoute(routeName)?.candidates ?? []) allowed.add(candidate.model);
  return all.filter((model) => allowed.has(model.name));
}
