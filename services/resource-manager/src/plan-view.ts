import { create } from '@bufbuild/protobuf';
import { GetPlacementResponseSchema, ModelPlanSchema, WorkerPlacementSchema } from '@switchboard/protocol';
import type { GetPlacementResponse, WorkerHeartbeat } from '@switchboard/protocol';
import type { ModelInputs } from './model-targets.js';
import type { ReplicaTarget } from './planning/replica-targets.js';

/** One model of a round: what it was decided from and what was decided. */
export interface PlannedModel {
  readonly inputs: ModelInputs;
  readonly target: ReplicaTarget;
}

/** What one planning round saw and decided. */
export interface PlanRound {
  readonly active: boolean;
  readonly desiredWorkers: number;
  readonly models: readonly PlannedModel[];
  readonly workers: readonly WorkerHeartbeat[];
  readonly assigned: (workerId: string) => readonly string[];
  readonly managed: (workerId: string) => boolean;
  readonly atUnixMs: number;
}

/** The newest round, turned into GetPlacement's answer on demand. */
export class PlanView {
  #round: PlanRound | undefined;

  constructor(
    private readonly identity: { managerId: string; policy: string; driver: string },
    private readonly epoch: () => bigint | undefined,
  ) {}

  update(round: PlanRound): void {
    this.#round = round;
  }

  toResponse(): GetPlacementResponse {
    const round = this.#round;
    const base = {
      managerId: this.identity.managerId,
      policy: this.identity.policy,
      driver: this.identity.driver,
      epoch: this.epoch() ?? 0n,
    };
    if (round === undefined) return create(GetPlacementResponseSchema, { ...base, active: false });
    return create(GetPlacementResponseSchema, {
      ...base,
      active: round.active,
      desiredWorkers: round.desiredWorkers,
      atUnixMs: BigInt(round.atUnixMs),
      workers: [...round.workers]
        .sort((a, b) => a.workerId.localeCompare(b.workerId))
        .map((worker) =>
          create(WorkerPlacementSchema, {
            workerId: worker.workerId,
            state: worker.state,
            capacity: worker.capacity,
            memoryUsedBytes: worker.memoryUsedBytes,
            utilisation: worker.utilisation,
            models: worker.models,
            assigned: [...round.assigned(worker.workerId)],
            loading: worker.loading,
            lastHeartbeatUnixMs: worker.atUnixMs,
            managed: round.managed(worker.workerId),
          }),
        ),
      models: round.models.map(({ inputs, target }) =>
        create(ModelPlanSchema, {
          model: inputs.spec.name,
          demandPerSecond: inputs.demand.demandPerSecond,
          forecastPerSecond: inputs.demand.forecastPerSecond,
          forecaster: inputs.demand.forecaster.name,
          forecastErrorPerSecond: inputs.demand.forecaster.meanAbsoluteError,
          capacityPerReplica: inputs.capacityPerReplica,
          desiredReplicas: target.replicas,
          servingReplicas: inputs.pool.servingReplicas,
          reason: target.reason,
          loadMs: inputs.pool.loadMs,
          predictedWaitMs: Number.isFinite(target.predictedWaitMs) ? target.predictedWaitMs : -1,
          memoryBytes: BigInt(inputs.replicaMemoryBytes),
          queued: BigInt(inputs.queued),
        }),
      ),
    });
  }
}
