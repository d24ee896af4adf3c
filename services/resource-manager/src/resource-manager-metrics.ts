import { Counter, DURATION_BUCKETS_SECONDS, Gauge, Histogram } from '@switchboard/metrics';
import type { Registry } from '@switchboard/metrics';
import type { AssignOutcome } from './assignment-sender.js';
import type { PlacementMoveReason } from './planning/place-replicas.js';

/** One model's figures after a planning round. */
export interface ModelFigures {
  readonly model: string;
  readonly demandPerSecond: number;
  readonly forecastPerSecond: number;
  readonly desiredReplicas: number;
  readonly servingReplicas: number;
  readonly capacityPerReplica: number;
  readonly predictorErrors: readonly { name: string; meanAbsoluteError: number }[];
}

/** The resource manager's Prometheus metrics. Model labels are registry names only, removed with the model. */
export interface ResourceManagerMetrics {
  modelFigures(figures: ModelFigures): void;
  /** Drops the series of models no longer registered. */
  forgetModel(model: string): void;
  desiredWorkers(count: number): void;
  leaseHeld(held: boolean): void;
  placementMove(action: 'load' | 'unload', reason: PlacementMoveReason): void;
  coldStart(model: string, seconds: number): void;
  assignment(outcome: AssignOutcome): void;
}

/** Registers the resource manager's metrics on `registry`. */
export function createResourceManagerMetrics(registry: Registry): ResourceManagerMetrics {
  const registers = [registry];
  const perModel = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['model'], registers });
  const desired = perModel(
    'switchboard_resource_manager_desired_replicas',
    'Replicas the manager wants per model.',
  );
  const serving = perModel(
    'switchboard_resource_manager_serving_replicas',
    'Ready workers with the model loaded, from their heartbeats.',
  );
  const demand = perModel(
    'switchboard_resource_manager_demand_requests_per_second',
    'Jobs published per second over the last forecast step.',
  );
  const forecast = perModel(
    'switchboard_resource_manager_forecast_requests_per_second',
    'Jobs per second forecast at the warm-up horizon.',
  );
  const capacity = perModel(
    'switchboard_resource_manager_capacity_per_replica',
    'Measured requests per second one replica serves at the model batch size.',
  );
  const forecastError = new Gauge({
    name: 'switchboard_resource_manager_forecast_error',
    help: 'Mean absolute error of each predictor at the horizon, requests per second.',
    labelNames: ['model', 'predictor'],
    registers,
  });
  const workers = new Gauge({
    name: 'switchboard_resource_manager_desired_workers',
    help: 'Workers the pool should have; the scaling target for KEDA or an HPA with the none driver.',
    registers,
  });
  const lease = new Gauge({
    name: 'switchboard_resource_manager_lease_held',
    help: '1 while this replica holds the lease and acts, 0 on standby.',
    registers,
  });
  const moves = new Counter({
    name: 'switchboard_resource_manager_placement_moves_total',
    help: 'Model loads and unloads the manager assigned, by action and reason.',
    labelNames: ['action', 'reason'],
    registers,
  });
  const coldStarts = new Histogram({
    name: 'switchboard_resource_manager_cold_start_seconds',
    help: 'Measured load and warm-up time of model replicas, as workers report them.',
    labelNames: ['model'],
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers,
  });
  const assignments = new Counter({
    name: 'switchboard_resource_manager_assignments_total',
    help: 'Assignments sent to workers, by outcome (accepted, refused, failed).',
    labelNames: ['outcome'],
    registers,
  });
  for (const outcome of ['accepted', 'refused', 'failed'] satisfies AssignOutcome[])
    assignments.inc({ outcome }, 0);
  // remove() needs every label; the predictors are few and fixed, so their names are remembered.
  const predictors = new Set<string>();
  return {
    modelFigures(figures) {
      const labels = { model: figures.model };
      desired.set(labels, figures.desiredReplicas);
      serving.set(labels, figures.servingReplicas);
      demand.set(labels, figures.demandPerSecond);
      forecast.set(labels, figures.forecastPerSecond);
      capacity.set(labels, figures.capacityPerReplica);
      for (const predictor of figures.predictorErrors) {
        predictors.add(predictor.name);
        forecastError.set({ model: figures.model, predictor: predictor.name }, predictor.meanAbsoluteError);
      }
    },
    forgetModel(model) {
      for (const gauge of [desired, serving, demand, forecast, capacity]) gauge.remove({ model });
      coldStarts.remove({ model });
      for (const predictor of predictors) forecastError.remove({ model, predictor });
    },
    desiredWorkers: (count) => workers.set(count),
    leaseHeld: (held) => lease.set(held ? 1 : 0),
    placementMove: (action, reason) => moves.inc({ action, reason }),
    coldStart: (model, seconds) => coldStarts.observe({ model }, seconds),
    assignment: (outcome) => assignments.inc({ outcome }),
  };
}
