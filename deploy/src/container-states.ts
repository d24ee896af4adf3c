/** What `docker inspect` says about one container of the stack (the fields used here). */
export interface ContainerState {
  /** The compose service (label com.docker.compose.service). */
  readonly service: string;
  readonly name: string;
  /** created, running, exited, … */
  readonly status: string;
  readonly exitCode: number;
  /** starting, healthy, unhealthy; undefined for a container without a healthcheck. */
  readonly health: string | undefined;
}

/** Where the stack stands: every container ready, some still on their way, or something failed. */
export type StackVerdict =
  | { readonly kind: 'ready' }
  | { readonly kind: 'waiting'; readonly pending: string[] }
  | { readonly kind: 'failed'; readonly reasons: string[] };

/**
 * Judges the stack's containers. A one-shot (in `oneShots`) is ready once it exited 0; any other
 * container once it runs and its healthcheck says healthy. Exiting non-zero, a long-running
 * container exiting at all, or a healthcheck saying unhealthy is a failure; every service in
 * `services` must have a container.
 */
export function judgeStack(
  services: readonly string[],
  oneShots: readonly string[],
  containers: readonly ContainerState[],
): StackVerdict {
  const reasons: string[] = [];
  const pending: string[] = [];
  for (const service of services) {
    if (!containers.some((container) => container.service === service))
      pending.push(`${service} (no container yet)`);
  }
  for (const container of containers) {
    if (oneShots.includes(container.service)) {
      if (container.status === 'exited' && container.exitCode !== 0)
        reasons.push(`${container.name} exited with ${container.exitCode}`);
      else if (container.status !== 'exited') pending.push(`${container.name} (${container.status})`);
      continue;
    }
    if (container.status === 'exited' || container.status === 'dead')
      reasons.push(`${container.name} stopped (exit ${container.exitCode})`);
    else if (container.health === 'unhealthy') reasons.push(`${container.name} is unhealthy`);
    else if (container.status !== 'running' || container.health !== 'healthy')
      pending.push(
        `${container.name} (${container.status}${container.health === undefined ? '' : `, ${container.health}`})`,
      );
  }
  if (reasons.length > 0) return { kind: 'failed', reasons };
  return pending.length > 0 ? { kind: 'waiting', pending } : { kind: 'ready' };
}
