import type { ModelDemand } from './model-demand.js';

/** A replica count and what set it. */
export interface ReplicaDecision {
  readonly replicas: number;
  readonly reason: string;
}

/**
 * Raises a decision to the model's minimum (reason "min-replicas"), else to one replica when it is
 * the route's warm candidate ("keep-warm"), then caps it at the maximum ("max-replicas"; 0 =
 * unbounded). The maximum wins over the minimum and keep-warm.
 */
export function applyReplicaLimits(decision: ReplicaDecision, demand: ModelDemand): ReplicaDecision {
  let { replicas, reason } = decision;
  if (replicas < demand.minReplicas) {
    replicas = demand.minReplicas;
    reason = 'min-replicas';
  } else if (replicas < 1 && demand.keepWarm) {
    replicas = 1;
    reason = 'keep-warm';
  }
  if (demand.maxReplicas > 0 && replicas > demand.maxReplicas) {
    replicas = demand.maxReplicas;
    reason = 'max-replicas';
  }
  return { replicas, reason };
}

/**
 * Rounds a fractional replica need up, forgiving floating-point noise: 3.0000000000000004
 * replicas are 3, not 4.
 */
export function ceilReplicas(need: number): number {
  return Math.max(0, Math.ceil(need - 1e-9));
}
