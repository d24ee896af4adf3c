import { InvalidArgumentError, NotFoundError } from '@switchboard/errors';
import type { RolloutArm, RouteCandidate, RouteSpec } from '@switchboard/protocol';
import { labelArm, labelCandidate } from './route-labels.js';

/** A registered model's current version and every version it has, oldest first. */
export interface ModelVersions {
  name: string;
  current_version: string;
  versions: string[];
}

/** An arm that names a version, with what its messages need to point at it. */
interface VersionedArm {
  candidate: RouteCandidate;
  arm: RolloutArm;
  label: string;
}

/**
 * Checks the versions a route's rollout arms name against `models` (by name), which putRoute reads
 * in the transaction that stores the route and locks FOR SHARE: versions are only ever deleted with
 * their model, so what it read stays true until the commit. `spec` comes from validateRouteSpec, so
 * every arm names its model.
 *
 * An arm that serves its candidate's own model at the current version is the candidate itself;
 * later UpdateModel calls may make an arm's version current, which leaves a harmless arm until
 * the route is put again.
 * @throws NotFoundError naming every arm whose model has no such version, with the versions it has.
 * @throws InvalidArgumentError naming every arm that serves its candidate's model at its current version.
 */
export function checkArmVersions(spec: RouteSpec, models: ReadonlyMap<string, ModelVersions>): void {
  const versioned = findVersionedArms(spec);
  const unknown: string[] = [];
  const current: string[] = [];
  for (const { candidate, arm, label } of versioned) {
    const model = models.get(arm.model);
    if (model === undefined || !model.versions.includes(arm.version)) {
      const known = model === undefined ? 'none' : model.versions.join(', ');
      unknown.push(
        `${label}: model ${JSON.stringify(arm.model)} has no version ${JSON.stringify(arm.version)} (its versions: ${known})`,
      );
    } else if (arm.model === candidate.model && arm.version === model.current_version) {
      current.push(
        `${label}: version ${JSON.stringify(arm.version)} is the current version of model ${JSON.stringify(arm.model)}, ` +
          'which the candidate serves already; name another version of it or another model',
      );
    }
  }
  if (unknown.length > 0) {
    throw new NotFoundError(
      `route ${JSON.stringify(spec.name)} names model versions that are not registered: ${unknown.join('; ')}; ` +
        'record a new version with UpdateModel first',
    );
  }
  if (current.length > 0) {
    throw new InvalidArgumentError(`invalid route ${JSON.stringify(spec.name)}: ${current.join('; ')}`);
  }
}

function findVersionedArms(spec: RouteSpec): VersionedArm[] {
  return spec.candidates.flatMap((candidate, candidateIndex) =>
    candidate.rollout.flatMap((arm, armIndex) =>
      arm.version === ''
        ? []
        : [
            {
              candidate,
              arm,
              label: labelArm(
                labelCandidate(candidateIndex, candidate.model),
                armIndex,
                arm.model,
                arm.version,
              ),
            },
          ],
    ),
  );
}
