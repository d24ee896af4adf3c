import type { ModelDemand } from './model-demand.js';

/**
 * How long a job arriving now waits for the queue ahead of it to be served by the replicas
 * serving now, ms: queued ÷ (serving × capacity per replica). 0 with nothing queued, Infinity with
 * something queued and nothing serving.
 */
export function predictedWaitMs(demand: ModelDemand): number {
  if (demand.queued <= 0) return 0;
  const servedPerSecond = demand.servingReplicas * demand.capacityPerReplica;
  return servedPerSecond > 0 ? (demand.queued / servedPerSecond) * 1_000 : Infinity;
}
