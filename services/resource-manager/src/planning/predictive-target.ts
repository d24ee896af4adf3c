import { applyReplicaLimits, ceilReplicas } from './apply-replica-limits.js';
import type { ReplicaDecision } from './apply-replica-limits.js';
import type { ModelDemand, ReplicaTarget } from './model-demand.js';
import { predictedWaitMs } from './predicted-wait.js';

/** Knobs of the predictive policy. */
export interface PredictiveOptions {
  /** Share of a replica's capacity the forecast may use, (0, 1]: the rest absorbs bursts. */
  targetUtilisation: number;
}

/**
 * The predictive policy: ceil(max(forecast, demand) ÷ (capacity × target utilisation)) replicas,
 * reason "forecast". Under it a reactive floor: when the queue's predicted wait breaks the SLO,
 * enough replicas at full capacity to serve the measured demand and drain the backlog within the
 * SLO, ceil((queued ÷ SLO + demand) ÷ capacity), at once (reason "queue-wait"). An idle model with
 * nothing queued gets 0 ("idle"). Then the limits: minimum, keep-warm, maximum.
 * @throws RangeError when capacityPerReplica, queueWaitSloMs or targetUtilisation is out of range.
 */
export function predictiveTarget(demand: ModelDemand, options: PredictiveOptions): ReplicaTarget {
  const { capacityPerReplica, queueWaitSloMs } = demand;
  const { targetUtilisation } = options;
  if (!(capacityPerReplica > 0) || !Number.isFinite(capacityPerReplica)) {
    throw new RangeError(`capacityPerReplica of ${demand.model} must be positive, got ${capacityPerReplica}`);
  }
  if (!(queueWaitSloMs > 0))
    throw new RangeError(`queueWaitSloMs of ${demand.model} must be positive, got ${queueWaitSloMs}`);
  if (!(targetUtilisation > 0 && targetUtilisation <= 1)) {
    throw new RangeError(`targetUtilisation must be in (0, 1], got ${targetUtilisation}`);
  }
  const waitMs = predictedWaitMs(demand);
  const decision = applyReplicaLimits(decide(demand, waitMs, targetUtilisation), demand);
  return { model: demand.model, ...decision, predictedWaitMs: waitMs };
}

function decide(demand: ModelDemand, waitMs: number, targetUtilisation: number): ReplicaDecision {
  // Idle is only believed with an empty queue: a queue is demand whatever the arrivals said.
  if (demand.idle && demand.queued <= 0) return { replicas: 0, reason: 'idle' };
  const load = Math.max(demand.forecastPerSecond, demand.demandPerSecond);
  const forecast = ceilReplicas(load / (demand.capacityPerReplica * targetUtilisation));
  if (waitMs <= demand.queueWaitSloMs) return { replicas: forecast, reason: 'forecast' };
  const drainPerSecond = demand.queued / (demand.queueWaitSloMs / 1_000);
  const floor = ceilReplicas((drainPerSecond + demand.demandPerSecond) / demand.capacityPerReplica);
  return floor > forecast
    ? { replicas: floor, reason: 'queue-wait' }
    : { replicas: forecast, reason: 'forecast' };
}
