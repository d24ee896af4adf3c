import type { ModelSpec } from '@switchboard/protocol';
import type { ResourceManagerConfig } from './config.js';
import type { ModelDemandView } from './demand-tracker.js';
import type { ModelPoolFacts } from './pool-facts.js';
import { predictiveTarget, ReactiveScaler, staticTarget } from './planning/replica-targets.js';
import type { ModelDemand, ReplicaTarget } from './planning/replica-targets.js';

/** Everything known about one model when its replica target is computed. */
export interface ModelInputs {
  readonly spec: ModelSpec;
  readonly demand: ModelDemandView;
  readonly pool: ModelPoolFacts;
  readonly queued: number;
  readonly capacityPerReplica: number;
  /** What one replica holds: the larger of the registry's memory_bytes and its largest measured footprint. */
  readonly replicaMemoryBytes: number;
  /** When its newest job arrived; the manager's start time stands in before the first. */
  readonly lastArrivalMs: number;
}

/**
 * Turns a model's inputs into a replica target under the configured policy. Until a model has
 * been idle for its idle period it keeps at least one replica: scale-to-zero only follows a real
 * idle period, not a quiet forecast step.
 */
export class ModelTargets {
  readonly #reactive = new Map<string, ReactiveScaler>();

  constructor(private readonly config: ResourceManagerConfig) {}

  target(inputs: ModelInputs, keepWarm: boolean, nowMs: number): ReplicaTarget {
    const demand = this.#toDemand(inputs, keepWarm, nowMs);
    switch (this.config.policy) {
      case 'static':
        return staticTarget(demand);
      case 'reactive':
        return this.#reactiveOf(inputs.spec.name).target(demand, nowMs);
      case 'predictive':
        return predictiveTarget(demand, { targetUtilisation: this.config.targetUtilisation });
    }
  }

  /** Forgets the reactive state of models no longer registered. */
  retain(models: ReadonlySet<string>): void {
    for (const model of [...this.#reactive.keys()]) if (!models.has(model)) this.#reactive.delete(model);
  }

  #toDemand(inputs: ModelInputs, keepWarm: boolean, nowMs: number): ModelDemand {
    const { spec, demand, pool, queued } = inputs;
    const scaling = spec.scaling;
    const idleUnloadMs =
      scaling !== undefined && scaling.idleUnloadSeconds > 0
        ? scaling.idleUnloadSeconds * 1_000
        : this.config.idleUnloadMs;
    const idle = queued === 0 && nowMs - inputs.lastArrivalMs >= idleUnloadMs;
    const minReplicas = scaling?.minReplicas ?? 0;
    return {
      model: spec.name,
      demandPerSecond: demand.demandPerSecond,
      forecastPerSecond: demand.forecastPerSecond,
      queued,
      capacityPerReplica: inputs.capacityPerReplica,
      servingReplicas: pool.servingReplicas,
      queueWaitSloMs:
        scaling !== undefined && scaling.queueWaitSloMs > 0
          ? scaling.queueWaitSloMs
          : this.config.queueWaitSloMs,
      // The static policy serves exactly min_replicas; the others hold one until the idle period passed.
      minReplicas: this.config.policy === 'static' || idle ? minReplicas : Math.max(1, minReplicas),
      maxReplicas: scaling?.maxReplicas ?? 0,
      keepWarm,
      idle,
    };
  }

  #reactiveOf(model: string): ReactiveScaler {
    let scaler = this.#reactive.get(model);
    if (scaler === undefined) {
      scaler = new ReactiveScaler(this.config.reactive);
      this.#reactive.set(model, scaler);
    }
    return scaler;
  }
}
