import type { ModelSpec, RouteSpec } from '@switchboard/protocol';

/**
 * A rollout arm of a route, watched as a canary: the model and version serving it, and the stable
 * arm it is compared with — its candidate's model at the current version. Telemetry names the model
 * and version that served, so both arms are told apart by them.
 */
export interface CanaryArm {
  readonly route: string;
  /** The candidate whose requests the arm shares; its model is the stable arm's. */
  readonly candidate: string;
  readonly stableVersion: string;
  readonly armModel: string;
  /** The version serving the arm: the arm's own, else its model's current one. */
  readonly armVersion: string;
  readonly percent: number;
}

/** An arm the watcher cannot compare, and why. */
export interface UnwatchableArm {
  readonly arm: CanaryArm;
  readonly reason: string;
}

/** The arms of a route: those watched and those that cannot be. */
export interface RouteArms {
  readonly watchable: CanaryArm[];
  readonly unwatchable: UnwatchableArm[];
}

/** A canary's identity: a different stable version or arm version is another canary. */
export function canaryKey(arm: CanaryArm): string {
  return JSON.stringify([arm.route, arm.candidate, arm.stableVersion, arm.armModel, arm.armVersion]);
}

/** What telemetry says served a request on a route. */
export function servingKey(route: string, model: string, version: string): string {
  return JSON.stringify([route, model, version]);
}

/**
 * The rollout arms of `route` as canaries, resolved against the registry's models. An arm is not
 * watched when a model or version is not registered, when it serves the stable version itself, or
 * when another arm or another candidate's stable arm serves the same model and version on the route
 * (telemetry could not tell them apart).
 */
export function findRouteArms(route: RouteSpec, modelOf: (name: string) => ModelSpec | undefined): RouteArms {
  const stableKeys = new Set<string>();
  const arms: Array<{ arm: CanaryArm; problem?: string }> = [];
  for (const candidate of route.candidates) {
    const stable = modelOf(candidate.model);
    if (stable !== undefined) stableKeys.add(servingKey(route.name, stable.name, stable.version));
    for (const rollout of candidate.rollout) {
      const armModel = rollout.model || candidate.model;
      const served = modelOf(armModel);
      const arm: CanaryArm = {
        route: route.name,
        candidate: candidate.model,
        stableVersion: stable?.version ?? '',
        armModel,
        armVersion: rollout.version || (served?.version ?? ''),
        percent: rollout.percent,
      };
      arms.push({ arm, ...problemOf(arm, stable, served) });
    }
  }
  const armCounts = new Map<string, number>();
  for (const { arm } of arms) {
    const key = servingKey(arm.route, arm.armModel, arm.armVersion);
    armCounts.set(key, (armCounts.get(key) ?? 0) + 1);
  }
  const watchable: CanaryArm[] = [];
  const unwatchable: UnwatchableArm[] = [];
  for (const { arm, problem } of arms) {
    const key = servingKey(arm.route, arm.armModel, arm.armVersion);
    const reason =
      problem ??
      (stableKeys.has(key) || (armCounts.get(key) ?? 0) > 1
        ? `${arm.armModel} version ${arm.armVersion} also serves another arm of the route; their requests cannot be told apart`
        : undefined);
    if (reason === undefined) watchable.push(arm);
    else unwatchable.push({ arm, reason });
  }
  return { watchable, unwatchable };
}

function problemOf(
  arm: CanaryArm,
  stable: ModelSpec | undefined,
  served: ModelSpec | undefined,
): { problem: string } | undefined {
  if (stable === undefined) return { problem: `model ${arm.candidate} is not registered` };
  if (served === undefined) return { problem: `model ${arm.armModel} is not registered` };
  if (!served.versions.includes(arm.armVersion) && served.version !== arm.armVersion)
    return { problem: `model ${arm.armModel} has no version ${arm.armVersion}` };
  if (arm.armModel === arm.candidate && arm.armVersion === arm.stableVersion)
    return { problem: 'the arm serves the stable version itself' };
  return undefined;
}

/** Every route's arms: the watchable ones by canary key, the others by route. */
export interface RegistryArms {
  readonly watchable: ReadonlyMap<string, CanaryArm>;
  readonly unwatchable: ReadonlyMap<string, UnwatchableArm[]>;
}

/** The arms of every route in `routes` (findRouteArms), keyed for the watcher. */
export function listRegistryArms(
  routes: readonly RouteSpec[],
  modelOf: (name: string) => ModelSpec | undefined,
): RegistryArms {
  const watchable = new Map<string, CanaryArm>();
  const unwatchable = new Map<string, UnwatchableArm[]>();
  for (const route of routes) {
    const arms = findRouteArms(route, modelOf);
    for (const arm of arms.watchable) watchable.set(canaryKey(arm), arm);
    if (arms.unwatchable.length > 0) unwatchable.set(route.name, arms.unwatchable);
  }
  return { watchable, unwatchable };
}
