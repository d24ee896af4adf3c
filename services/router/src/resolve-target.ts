import { NotFoundError } from '@switchboard/errors';
import type { ModelSpec } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import type { WorkerPresence } from '@switchboard/worker-presence';
import type { Target } from './selection/model-selector.js';
import { describeAllowed, isRestricted, UNRESTRICTED_ACCESS } from './tenant-access.js';
import type { TenantAccess } from './tenant-access.js';

/** The most model names a NOT_FOUND message lists; a large registry would make every refusal huge. */
const MAX_LISTED_NAMES = 20;

function describeKnownNames(snapshot: RegistrySnapshot): string {
  const names = snapshot.listModels().map((model) => model.name);
  if (names.length === 0) return 'no models are registered';
  const listed = names.sort().slice(0, MAX_LISTED_NAMES).join(', ');
  const more = names.length - MAX_LISTED_NAMES;
  return `registered models: ${listed}${more > 0 ? ` and ${more} more (switchboard models list)` : ''}`;
}

/**
 * Resolves the name a client called: a model name wins over a route name. For an unknown name a
 * caller with an access list is told what it may call, never the whole registry.
 * @throws NotFoundError for an unknown name, a version the model does not serve, or a route none of
 *   whose models is registered.
 */
export function resolveTarget(
  snapshot: RegistrySnapshot,
  name: string,
  version: string,
  access: TenantAccess = UNRESTRICTED_ACCESS,
): Target {
  const model = snapshot.getModel(name);
  if (model !== undefined) {
    if (version !== '' && version !== model.version) {
      throw new NotFoundError(
        `model "${name}" version "${version}" is not served; the served version is "${model.version}" (leave the version empty for it)`,
      );
    }
    return { kind: 'model', model };
  }
  const route = snapshot.getRoute(name);
  if (route === undefined) {
    const known = isRestricted(access)
      ? `you may call ${describeAllowed(access)}`
      : describeKnownNames(snapshot);
    throw new NotFoundError(`no model or route named "${name}"; ${known}`);
  }
  if (!route.candidates.some((candidate) => snapshot.getModel(candidate.model) !== undefined)) {
    throw new NotFoundError(`route "${name}" has no registered models`);
  }
  return { kind: 'route', route };
}

/**
 * The model that speaks for a target in metadata and readiness answers: the model itself, or a
 * route's first candidate a live worker serves (its first registered candidate when none is served).
 */
export function representativeModel(
  target: Target,
  snapshot: RegistrySnapshot,
  presence: WorkerPresence,
): ModelSpec {
  if (target.kind === 'model') return target.model;
  const models = target.route.candidates
    .map((candidate) => snapshot.getModel(candidate.model))
    .filter((model): model is ModelSpec => model !== undefined);
  return models.find((model) => presence.isServed(model.name)) ?? (models[0] as ModelSpec);
}
