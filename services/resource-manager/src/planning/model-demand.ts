/** How a model's replica count is decided. */
export type ScalingPolicy = 'predictive' | 'reactive' | 'static';

/** What is known of one model's load when its replica target is decided. */
export interface ModelDemand {
  model: string;
  /** Arrivals per second measured over the last forecast step. */
  demandPerSecond: number;
  /** Arrivals per second expected at the warm-up horizon (load time + interval ahead). */
  forecastPerSecond: number;
  /** Jobs pending plus in flight. */
  queued: number;
  /** Requests per second one replica serves at its batch size (> 0). */
  capacityPerReplica: number;
  servingReplicas: number;
  /** The longest a job should wait in the queue, ms (> 0). */
  queueWaitSloMs: number;
  minReplicas: number;
  /** 0 = unbounded. */
  maxReplicas: number;
  /** A route needs one candidate warm and this is it. */
  keepWarm: boolean;
  /** No arrivals and nothing queued for the idle period. */
  idle: boolean;
}

/**
 * A model's replica target and what set it: "forecast", "queue-wait", "min-replicas",
 * "keep-warm", "idle", "max-replicas" or "static" (the reasons of placement.proto's ModelPlan).
 */
export interface ReplicaTarget {
  model: string;
  replicas: number;
  reason: string;
  /** Predicted wait of a job arriving now with the replicas serving now, ms (Infinity: none serve). */
  predictedWaitMs: number;
}
