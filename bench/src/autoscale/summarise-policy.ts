import { status } from '@grpc/grpc-js';
import type { AutoscaleOutcome } from './send-requests.js';
import type { ModelSummary, PolicySummary } from './autoscale-results.js';
import type { ForecastError, WindowClock } from './measure-forecast-error.js';
import type { PlanSample } from './poll-placement.js';
import type { ReplicaTimeline } from '../shared/replica-timeline.js';

/** Everything one policy's run left behind, for {@link summarisePolicy}. */
export interface PolicyRecord {
  readonly outcomes: readonly AutoscaleOutcome[];
  readonly timeline: ReplicaTimeline;
  readonly clock: WindowClock;
  readonly samples: readonly PlanSample[];
  readonly forecastError: ForecastError | null;
  /** ScalingSpec.min_replicas per model. */
  readonly minReplicas: ReadonlyMap<string, number>;
}

/** Errors counted by gRPC status name. */
function countByStatus(outcomes: readonly AutoscaleOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (outcome.code === 0) continue;
    const name = status[outcome.code] ?? String(outcome.code);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** Nearest-rank percentile of ascending values; 0 for none. */
export function percentile(sortedValues: readonly number[], share: number): number {
  if (sortedValues.length === 0) return 0;
  const rank = Math.min(sortedValues.length, Math.max(1, Math.ceil(share * sortedValues.length)));
  return sortedValues[rank - 1] ?? 0;
}

function missesSlo(outcome: AutoscaleOutcome, sloMs: number): boolean {
  return outcome.code !== 0 || outcome.latencyMs > sloMs;
}

/** Replicas held at each second of the window (wall clock), for the peak. */
function peakReplicas(record: PolicyRecord): number {
  let peak = 0;
  for (let atMs = record.clock.startUnixMs; atMs < record.clock.endUnixMs; atMs += 250) {
    const total = [...record.timeline.replicasAt(atMs).values()].reduce((sum, count) => sum + count, 0);
    peak = Math.max(peak, total);
  }
  return peak;
}

/** The predictor each model's plan named last, with its error converted to trace rates. */
function chosenForecasters(samples: readonly PlanSample[], speedup: number) {
  const chosen: Record<string, { forecaster: string; error_per_second: number }> = {};
  for (const sample of samples) {
    chosen[sample.model] = {
      forecaster: sample.forecaster,
      error_per_second: sample.forecastErrorPerSecond / speedup,
    };
  }
  return chosen;
}

function summariseModel(record: PolicyRecord, model: string, sloMs: number): ModelSummary {
  const { clock, timeline } = record;
  const outcomes = record.outcomes.filter((outcome) => outcome.measured && outcome.model === model);
  const misses = outcomes.filter((outcome) => missesSlo(outcome, sloMs)).length;
  return {
    requests: outcomes.length,
    slo_miss_rate: outcomes.length === 0 ? 0 : misses / outcomes.length,
    replica_seconds: timeline.replicaSeconds(clock.startUnixMs, clock.endUnixMs, model) * clock.speedup,
    cold_starts: timeline
      .coldStarts(clock.startUnixMs, clock.endUnixMs)
      .filter((start) => start.model === model).length,
    min_replicas: record.minReplicas.get(model) ?? 0,
  };
}

/**
 * One policy's figures over the measured window: SLO misses and latency from the client's
 * outcomes, replica-seconds and cold starts from the heartbeats, forecast error from the plan.
 */
export function summarisePolicy(record: PolicyRecord, sloMs: number): PolicySummary {
  const { clock, timeline } = record;
  const measured = record.outcomes.filter((outcome) => outcome.measured);
  const answered = measured
    .filter((outcome) => outcome.code === 0)
    .map((outcome) => outcome.latencyMs)
    .sort((left, right) => left - right);
  const misses = measured.filter((outcome) => missesSlo(outcome, sloMs)).length;
  const replicaSeconds = timeline.replicaSeconds(clock.startUnixMs, clock.endUnixMs) * clock.speedup;
  const windowSeconds = ((clock.endUnixMs - clock.startUnixMs) * clock.speedup) / 1_000;
  const coldStarts = timeline.coldStarts(clock.startUnixMs, clock.endUnixMs);
  const loadTimes = coldStarts.flatMap((start) => (start.loadMs === undefined ? [] : [start.loadMs]));
  const { forecastError } = record;
  const models = [...record.minReplicas.keys()];
  return {
    slo_miss_rate: measured.length === 0 ? 0 : misses / measured.length,
    replica_seconds: replicaSeconds,
    cold_starts: coldStarts.length,
    p99_ms: percentile(answered, 0.99),
    requests: measured.length,
    errors: measured.filter((outcome) => outcome.code !== 0).length,
    errors_by_status: countByStatus(measured),
    p50_ms: percentile(answered, 0.5),
    mean_replicas: windowSeconds > 0 ? replicaSeconds / windowSeconds : 0,
    peak_replicas: peakReplicas(record),
    mean_cold_start_ms:
      loadTimes.length === 0
        ? null
        : (loadTimes.reduce((sum, loadMs) => sum + loadMs, 0) / loadTimes.length) * clock.speedup,
    forecast:
      forecastError === null
        ? null
        : {
            mean_absolute_error_per_second: forecastError.meanAbsoluteErrorPerSecond,
            naive_mean_absolute_error_per_second: forecastError.naiveMeanAbsoluteErrorPerSecond,
            mean_arrivals_per_second: forecastError.meanArrivalsPerSecond,
            samples: forecastError.samples,
            chosen: chosenForecasters(record.samples, clock.speedup),
          },
    models: Object.fromEntries(models.map((model) => [model, summariseModel(record, model, sloMs)])),
  };
}
