import { NotFoundError } from '@switchboard/errors';
import type { ModelSpec, RouteSpec } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import type { WorkerPresence } from '@switchboard/worker-presence';

/** The concrete model a request goes to, and the route it came through, if any. */
export interface Target {
  model: ModelSpec;
  route: RouteSpec | undefined;
}

function describeKnownNames(snapshot: RegistrySnapshot): string {
  const names = snapshot.listModels().map((model) => model.name);
  return names.length === 0 ? 'no models are registered' : `registered models: ${names.join(', ')}`;
}

/**
 * Resolves the name a client called to a concrete model. A model name wins over a route name. A
 * route goes to its first candidate that a live worker serves, or to its first candidate when none
 * is served yet (its job waits in the queue for a worker).
 * @throws NotFoundError for an unknown name or a version the model does not serve.
 */
export function resolveTarget(
  snapshot: RegistrySnapshot,
  presence: WorkerPresence,
  name: string,
  version: string,
): Target {
  const model = snapshot.getModel(name);
  if (model !== undefined) {
    if (version !== '' && version !== model.version) {
      throw new NotFoundError(
        `model "${name}" version "${version}" is not served; the served version is "${model.version}" (leave the version empty for it)`,
      );
    }
    return { model, route: undefined };
  }
  const route = snapshot.getRoute(name);
  if (route === undefined) {
    throw new NotFoundError(`no model or route named "${name}"; ${describeKnownNames(snapshot)}`);
  }
  const candidates = route.models
    .map((candidate) => snapshot.getModel(candidate))
    .filter((candidate): candidate is ModelSpec => candidate !== undefined);
  const chosen = candidates.find((candidate) => presence.isServed(candidate.name)) ?? candidates[0];
  if (chosen === undefined) throw new NotFoundError(`route "${name}" has no registered models`);
  return { model: chosen, route };
}
