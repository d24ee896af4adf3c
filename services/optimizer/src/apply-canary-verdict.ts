import { clone } from '@bufbuild/protobuf';
import type { CallOptions, GrpcClient } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import { RouteSpecSchema } from '@switchboard/protocol';
import type { RegistryService, RouteCandidate, RouteSpec } from '@switchboard/protocol';
import type { CanaryArm } from './canary-arms.js';
import { markCanaryApplied } from './canary-store.js';
import type { Database } from './open-database.js';

/** What a verdict does to the registry. */
export type CanaryAction = 'promote' | 'rollback';

/** The position of the canary's arm in `route`, or undefined when the route no longer has it. */
function findArm(route: RouteSpec, arm: CanaryArm): { candidate: RouteCandidate; index: number } | undefined {
  for (const candidate of route.candidates) {
    if (candidate.model !== arm.candidate) continue;
    const index = candidate.rollout.findIndex(
      (rollout) =>
        (rollout.model || candidate.model) === arm.armModel &&
        (rollout.version === arm.armVersion || rollout.version === ''),
    );
    if (index >= 0) return { candidate, index };
  }
  return undefined;
}

/**
 * `route` after the verdict on `arm`, or undefined when there is nothing left to change (the arm is
 * gone: applied before, or removed by someone else). Rollback and promotion both remove the arm; a
 * promoted arm of another model also becomes the candidate's model (its other arms stay).
 */
export function routeAfterVerdict(
  route: RouteSpec,
  arm: CanaryArm,
  action: CanaryAction,
): RouteSpec | undefined {
  const edited = clone(RouteSpecSchema, route);
  const found = findArm(edited, arm);
  if (found === undefined) return undefined;
  const { candidate, index } = found;
  candidate.rollout.splice(index, 1);
  if (action === 'promote' && arm.armModel !== candidate.model) {
    // The candidate's own model is named on its remaining arms that served it implicitly.
    for (const rollout of candidate.rollout) rollout.model ||= candidate.model;
    candidate.model = arm.armModel;
  }
  return edited;
}

/**
 * Makes the registry say what the verdict says, through its gRPC API. Rollback removes the arm from
 * the route. Promotion first makes the arm's version the current version of its model (UpdateModel;
 * the worker loads it as it loads any new version), then removes the arm — and when the arm served
 * another model, makes that model the candidate. Safe to repeat: what is done already is skipped.
 * @throws GrpcCallError when the registry cannot be reached or refuses a change.
 */
async function applyCanaryVerdict(
  registry: GrpcClient<typeof RegistryService>,
  arm: CanaryArm,
  action: CanaryAction,
  options: CallOptions,
): Promise<void> {
  if (action === 'promote') {
    const { model } = await registry.getModel({ name: arm.armModel }, options);
    if (model !== undefined && model.version !== arm.armVersion) {
      const artifact = model.versionArtifacts[arm.armVersion] ?? model.artifact;
      await registry.updateModel({ model: { ...model, version: arm.armVersion, artifact } }, options);
    }
  }
  const { route } = await registry.getRoute({ name: arm.route }, options);
  if (route === undefined) return;
  const edited = routeAfterVerdict(route, arm, action);
  if (edited !== undefined) await registry.putRoute({ route: edited }, options);
}

/** Where verdicts are applied, and where that is noted. */
export interface VerdictApplierOptions {
  readonly registry: GrpcClient<typeof RegistryService>;
  /** Deadline of each registry call. */
  readonly call: CallOptions;
  readonly database: Database;
  readonly logger: Logger;
}

/**
 * Verdicts stored but not yet in the registry, applied in order and retried until they are: the
 * registry may be down when a verdict is reached, or the optimizer may stop in between (restore()
 * queues them again from Postgres).
 */
export class VerdictApplier {
  readonly #options: VerdictApplierOptions;
  readonly #pending = new Map<number, { arm: CanaryArm; action: CanaryAction }>();

  constructor(options: VerdictApplierOptions) {
    this.#options = options;
  }

  /** Queues the verdict on canary `id`. */
  queue(id: number, arm: CanaryArm, action: CanaryAction): void {
    this.#pending.set(id, { arm, action });
  }

  /** Applies every queued verdict; one that fails is logged and stays queued. */
  async applyQueued(): Promise<void> {
    const { registry, call, database, logger } = this.#options;
    for (const [id, { arm, action }] of [...this.#pending]) {
      try {
        await applyCanaryVerdict(registry, arm, action, call);
        await markCanaryApplied(database, id);
        this.#pending.delete(id);
        logger.info({ ...arm, canaryId: id, action }, 'canary verdict applied to the registry');
      } catch (error) {
        logger.warn(
          { err: error, ...arm, canaryId: id, action },
          'could not apply a canary verdict; retrying next round',
        );
      }
    }
  }
}
