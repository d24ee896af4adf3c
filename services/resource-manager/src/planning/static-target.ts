import type { ModelDemand, ReplicaTarget } from './model-demand.js';
import { predictedWaitMs } from './predicted-wait.js';

/** The static policy: always the registry's min_replicas, reason "static". */
export function staticTarget(demand: ModelDemand): ReplicaTarget {
  return {
    model: demand.model,
    replicas: demand.minReplicas,
    reason: 'static',
    predictedWaitMs: predictedWaitMs(demand),
  };
}
