import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '@switchboard/logging';
import { readQueueDepths } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { WorkerState } from '@switchboard/protocol';
import type { ModelSpec, WorkerHeartbeat } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import type { WorkerPresence } from '@switchboard/worker-presence';
import type { ArrivalCounter } from './arrival-counter.js';
import type { AssignmentSender } from './assignment-sender.js';
import type { ResourceManagerConfig } from './config.js';
import type { DemandTracker } from './demand-tracker.js';
import type { PoolDriver } from './drivers/pool-driver.js';
import { chooseWarmCandidates } from './keep-warm.js';
import { ModelTargets } from './model-targets.js';
import type { ModelInputs } from './model-targets.js';
import { placeReplicas, desiredWorkerCount } from './planning/place-replicas.js';
import type { Placement, ReplicaWant, WorkerSlot } from './planning/place-replicas.js';
import type { ReplicaCapacity } from './planning/replica-capacity.js';
import type { ReplicaTarget } from './planning/replica-targets.js';
import { PoolFacts } from './pool-facts.js';
import { RecentPeak } from './recent-peak.js';
import type { ResourceManagerMetrics } from './resource-manager-metrics.js';
import type { PlannedModel, PlanView } from './plan-view.js';

/** A model with no measured batches yet is assumed to take this long per request. */
const DEFAULT_SERVICE_MS = 100;
/** A retiring worker still holding models after this long is stopped anyway (SIGTERM drains it). */
const RETIRE_TIMEOUT_MS = 30_000;

/** What the loop reads and drives. */
export interface PlacementLoopDependencies {
  readonly config: ResourceManagerConfig;
  readonly names: SubjectNames;
  readonly manager: JetStreamManager;
  readonly registry: RegistrySnapshot;
  readonly presence: WorkerPresence;
  /** Models kept at one replica or more whatever their demand (RepositoryModelLoad). */
  readonly pins: { has(model: string): boolean };
  readonly arrivals: ArrivalCounter;
  readonly demand: DemandTracker;
  readonly capacity: ReplicaCapacity;
  readonly assignments: AssignmentSender;
  readonly driver: PoolDriver;
  readonly lease: { held(): boolean; epoch(): bigint | undefined };
  readonly metrics: ResourceManagerMetrics;
  readonly view: PlanView;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * One planning round per interval: measure demand and queues, decide each model's replicas
 * (forecast, queue-wait floor, idle, keep-warm, limits), pack the replicas onto the live workers,
 * send the workers whose set changed their new assignment, and size the pool through the driver.
 * A standby (no lease) measures and shows its view but sends and resizes nothing.
 */
export class PlacementLoop {
  readonly #targets: ModelTargets;
  readonly #replicaPeaks = new Map<string, RecentPeak>();
  readonly #workerPeak: RecentPeak;
  readonly #lastTargets = new Map<string, string>();
  readonly #coldStartsSeen = new Map<string, number>();
  /** Per model, the unplaced replicas last logged, so each change is logged once. */
  #lastUnplaced = new Map<string, string>();
  /** Workers being emptied before the driver stops them, with when that began. */
  readonly #retiring = new Map<string, number>();
  readonly #startedMs: number;
  readonly #now: () => number;

  constructor(private readonly dependencies: PlacementLoopDependencies) {
    this.#now = dependencies.now ?? Date.now;
    this.#startedMs = this.#now();
    this.#targets = new ModelTargets(dependencies.config);
    this.#workerPeak = new RecentPeak(dependencies.config.scaleDownDelayMs);
  }

  async round(): Promise<void> {
    const { registry, presence, arrivals, demand, lease, metrics } = this.dependencies;
    const nowMs = this.#now();
    const specs = registry.listModels();
    const known = new Set(specs.map((spec) => spec.name));
    this.#forget(known);
    demand.add(arrivals.take());
    demand.advance(nowMs, [...known]);
    const workers = presence.workers();
    this.dependencies.assignments.retain(new Set(workers.map((worker) => worker.workerId)));
    const pool = new PoolFacts(workers);
    this.#recordColdStarts(workers);
    const depths = await readQueueDepths(this.dependencies.manager, this.dependencies.names, [...known]);
    const inputs = specs.map((spec) => this.#inputsOf(spec, pool, depths.get(spec.name)));
    const targets = this.#decide(inputs, pool, nowMs);
    const held = lease.held();
    metrics.leaseHeld(held);
    const wants = inputs.map((input) => this.#wantOf(input, targets.get(input.spec.name)!, nowMs));
    const desiredWorkers = this.#workerPeak.update(
      desiredWorkerCount(wants, this.dependencies.config.workerMemoryBytes, {
        min: this.dependencies.config.minWorkers,
        max: this.dependencies.config.maxWorkers,
      }),
      nowMs,
    );
    metrics.desiredWorkers(desiredWorkers);
    let placement: Placement | undefined;
    if (held) {
      placement = placeReplicas(this.#slotsOf(workers, inputs, nowMs), wants);
      this.#assign(placement, lease.epoch() ?? 0n, nowMs, desiredWorkers > workers.length);
      await this.#resizePool(workers, desiredWorkers, nowMs);
    }
    this.#show(inputs, targets, desiredWorkers, placement, workers, held, nowMs);
  }

  #inputsOf(
    spec: ModelSpec,
    pool: PoolFacts,
    depth: { pending: number; inFlight: number } | undefined,
  ): ModelInputs {
    const facts = pool.of(spec.name);
    const serviceMs = spec.latencyPriorMs > 0 ? spec.latencyPriorMs : DEFAULT_SERVICE_MS;
    return {
      spec,
      // Warm up ahead by the measured cold start plus one round, so the replica is ready in time.
      demand: this.dependencies.demand.view(spec.name, facts.loadMs + this.dependencies.config.intervalMs),
      pool: facts,
      queued: (depth?.pending ?? 0) + (depth?.inFlight ?? 0),
      capacityPerReplica: this.dependencies.capacity.perReplica(
        spec.name,
        Math.max(1, spec.batching?.maxBatchSize ?? 1),
        serviceMs,
      ),
      replicaMemoryBytes: Math.max(Number(spec.memoryBytes), facts.measuredMemoryBytes),
      lastArrivalMs: this.dependencies.arrivals.lastArrivalMs(spec.name) ?? this.#startedMs,
    };
  }

  /** Targets per model; pinned models and the route candidates kept warm are raised to one. */
  #decide(inputs: readonly ModelInputs[], pool: PoolFacts, nowMs: number): Map<string, ReplicaTarget> {
    const { pins } = this.dependencies;
    const targets = new Map(
      inputs.map((input) => [input.spec.name, this.#targets.target(input, pins.has(input.spec.name), nowMs)]),
    );
    if (!this.dependencies.config.keepRouteWarm) return targets;
    const warm = chooseWarmCandidates(
      this.dependencies.registry.listRoutes(),
      (name) => this.dependencies.registry.getModel(name),
      (model) => (targets.get(model)?.replicas ?? 0) > 0,
      (model) => pool.of(model).servingReplicas,
    );
    for (const input of inputs)
      if (warm.has(input.spec.name)) targets.set(input.spec.name, this.#targets.target(input, true, nowMs));
    return targets;
  }

  /** Surplus replicas stay for the scale-down delay (predictive) unless the model went idle. */
  #wantOf({ spec, replicaMemoryBytes }: ModelInputs, target: ReplicaTarget, nowMs: number): ReplicaWant {
    let peak = this.#replicaPeaks.get(spec.name);
    if (peak === undefined)
      this.#replicaPeaks.set(spec.name, (peak = new RecentPeak(this.dependencies.config.scaleDownDelayMs)));
    const recentPeak = peak.update(target.replicas, nowMs);
    const keepUpTo =
      this.dependencies.config.policy === 'predictive' && target.reason !== 'idle'
        ? recentPeak
        : target.replicas;
    return {
      model: spec.name,
      replicas: target.replicas,
      keepUpTo,
      memoryBytes: replicaMemoryBytes,
    };
  }

  #slotsOf(workers: readonly WorkerHeartbeat[], inputs: readonly ModelInputs[], nowMs: number): WorkerSlot[] {
    const memoryOf = new Map(inputs.map((input) => [input.spec.name, input.replicaMemoryBytes]));
    const known = new Set(memoryOf.keys());
    return workers.map((worker) => {
      const lastUsed = new Map(worker.models.map((loaded) => [loaded.name, Number(loaded.lastUsedUnixMs)]));
      const held = new Set([
        ...worker.models.map((loaded) => loaded.name),
        ...worker.loading,
        ...(this.dependencies.assignments.assigned(worker.workerId) ?? []),
      ]);
      return {
        workerId: worker.workerId,
        memoryCapacityBytes: Number(worker.capacity?.memoryBytes ?? 0n),
        draining: worker.state !== WorkerState.READY || this.#retiring.has(worker.workerId),
        models: [...held]
          .filter((model) => known.has(model))
          .map((model) => ({
            name: model,
            memoryBytes: memoryOf.get(model) ?? 0,
            lastUsedMs: lastUsed.get(model) || nowMs,
          })),
      };
    });
  }

  #assign(placement: Placement, epoch: bigint, nowMs: number, poolGrowing: boolean): void {
    const { assignments, metrics } = this.dependencies;
    const reasons = new Map<string, string[]>();
    for (const move of placement.moves) {
      metrics.placementMove(move.action, move.reason);
      const list = reasons.get(move.workerId) ?? [];
      list.push(`${move.action} ${move.model} (${move.reason})`);
      reasons.set(move.workerId, list);
    }
    for (const [workerId, models] of placement.assignments) {
      assignments.send(
        workerId,
        models,
        epoch,
        (reasons.get(workerId) ?? ['placement unchanged']).join('; '),
        nowMs,
      );
    }
    this.#reportUnplaced(placement, poolGrowing);
  }

  /**
   * Logs replicas that found no worker once per change, not every round: at info while the pool is
   * still growing (they wait for a worker being started), at warn otherwise.
   */
  #reportUnplaced(placement: Placement, poolGrowing: boolean): void {
    const current = new Map(
      placement.unplaced.map((unplaced) => [unplaced.model, `${unplaced.replicas} ${unplaced.reason}`]),
    );
    for (const unplaced of placement.unplaced) {
      if (this.#lastUnplaced.get(unplaced.model) === current.get(unplaced.model)) continue;
      const fields = { model: unplaced.model, replicas: unplaced.replicas, reason: unplaced.reason };
      if (poolGrowing) this.dependencies.logger.info(fields, 'replicas wait for workers being started');
      else this.dependencies.logger.warn(fields, 'replicas could not be placed');
    }
    this.#lastUnplaced = current;
  }

  /**
   * Grows the pool at once; shrinks it by first emptying the driver's least-loaded workers (their
   * models move elsewhere), then asking the driver to stop them. Workers the local driver did not
   * start (e.g. run by hand) count towards the pool but are never stopped; a cluster driver owns no
   * worker by id, so its pool shrinks by the scale alone (each stopped pod drains on SIGTERM).
   */
  async #resizePool(workers: readonly WorkerHeartbeat[], desired: number, nowMs: number): Promise<void> {
    const { driver, logger } = this.dependencies;
    const live = new Set(workers.map((worker) => worker.workerId));
    for (const workerId of [...this.#retiring.keys()])
      if (!live.has(workerId)) this.#retiring.delete(workerId);
    const active = workers.filter((worker) => !this.#retiring.has(worker.workerId));
    const surplus = active.length - desired;
    if (surplus > 0) {
      const candidates = active
        .filter((worker) => driver.owns(worker.workerId))
        .sort((a, b) => Number(a.memoryUsedBytes - b.memoryUsedBytes) || a.utilisation - b.utilisation)
        .slice(0, surplus);
      for (const worker of candidates) {
        this.#retiring.set(worker.workerId, nowMs);
        logger.info({ workerId: worker.workerId, desiredWorkers: desired }, 'retiring a worker');
      }
    }
    const removable: string[] = [];
    let stillRetiring = 0;
    for (const worker of workers) {
      const since = this.#retiring.get(worker.workerId);
      if (since === undefined) continue;
      const empty = worker.models.length === 0 && worker.loading.length === 0;
      if (empty || nowMs - since >= RETIRE_TIMEOUT_MS) removable.push(worker.workerId);
      else stillRetiring += 1;
    }
    // A worker the driver stopped keeps heart-beating in presence for a few intervals; it stays
    // retiring until it is gone, so it is never mistaken for one the driver did not start.
    const external =
      driver.name === 'local'
        ? workers.filter((worker) => !driver.owns(worker.workerId) && !this.#retiring.has(worker.workerId))
            .length
        : 0;
    await driver.resize(Math.max(0, desired + stillRetiring - external), removable);
  }

  #recordColdStarts(workers: readonly WorkerHeartbeat[]): void {
    const seen = new Set<string>();
    for (const worker of workers) {
      for (const loaded of worker.models) {
        const key = `${worker.workerId}\u0000${loaded.name}\u0000${loaded.version}`;
        seen.add(key);
        if (loaded.loadMs > 0 && this.#coldStartsSeen.get(key) !== loaded.loadMs) {
          this.#coldStartsSeen.set(key, loaded.loadMs);
          this.dependencies.metrics.coldStart(loaded.name, loaded.loadMs / 1_000);
        }
      }
    }
    for (const key of [...this.#coldStartsSeen.keys()]) if (!seen.has(key)) this.#coldStartsSeen.delete(key);
  }

  #show(
    inputs: readonly ModelInputs[],
    targets: ReadonlyMap<string, ReplicaTarget>,
    desiredWorkers: number,
    placement: Placement | undefined,
    workers: readonly WorkerHeartbeat[],
    held: boolean,
    nowMs: number,
  ): void {
    const { demand, metrics, logger, view } = this.dependencies;
    const models: PlannedModel[] = inputs.map((input) => {
      const target = targets.get(input.spec.name)!;
      const summary = `${target.replicas}/${target.reason}`;
      if (held && this.#lastTargets.get(input.spec.name) !== summary) {
        this.#lastTargets.set(input.spec.name, summary);
        logger.info(
          {
            model: input.spec.name,
            replicas: target.replicas,
            reason: target.reason,
            demandPerSecond: round(input.demand.demandPerSecond),
            forecastPerSecond: round(input.demand.forecastPerSecond),
            forecaster: input.demand.forecaster.name,
            capacityPerReplica: round(input.capacityPerReplica),
            queued: input.queued,
            predictedWaitMs: Number.isFinite(target.predictedWaitMs)
              ? round(target.predictedWaitMs)
              : 'unbounded',
          },
          'replica target changed',
        );
      }
      metrics.modelFigures({
        model: input.spec.name,
        demandPerSecond: input.demand.demandPerSecond,
        forecastPerSecond: input.demand.forecastPerSecond,
        desiredReplicas: target.replicas,
        servingReplicas: input.pool.servingReplicas,
        capacityPerReplica: input.capacityPerReplica,
        predictorErrors: demand.errors(input.spec.name),
      });
      return { inputs: input, target };
    });
    view.update({
      active: held,
      desiredWorkers,
      models,
      workers,
      assigned: (workerId) =>
        placement?.assignments.get(workerId) ?? this.dependencies.assignments.assigned(workerId) ?? [],
      managed: (workerId) => this.dependencies.driver.owns(workerId),
      atUnixMs: nowMs,
    });
  }

  #forget(known: ReadonlySet<string>): void {
    const { arrivals, demand, metrics } = this.dependencies;
    for (const model of [...this.#replicaPeaks.keys()]) {
      if (known.has(model)) continue;
      this.#replicaPeaks.delete(model);
      this.#lastTargets.delete(model);
      metrics.forgetModel(model);
    }
    arrivals.retain((model) => known.has(model));
    demand.retain(known);
    this.#targets.retain(known);
    this.dependencies.capacity.retain(known);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
