import { status } from '@grpc/grpc-js';
import { createLatencyHistogram, recordLatencyUs } from '../shared/latency-histogram.js';
import type { WorkloadRequest } from './create-workload.js';
import { findZooModel, TIERS } from './model-zoo.js';
import type { RequestOutcome } from './replay-workload.js';

/** The figures of one strategy's replay. */
export interface StrategySummary {
  readonly requests: number;
  /** Requests that ended with a gRPC error (deadline exceeded included). */
  readonly errors: number;
  /** Errors by gRPC status name, most frequent first. */
  readonly errorsByStatus: readonly (readonly [string, number])[];
  /** Latency of the answered requests, in milliseconds (HDR histogram, 3 significant digits). */
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Requests answered later than their budget or not at all, in % of requests. */
  readonly sloMissPercent: number;
  /** Total `switchboard.cost_micros` over all requests (errors cost 0), divided by the requests. */
  readonly costPerRequestMicros: number;
  /** Mean `quality_score` of the model that answered, an error counting as quality 0. */
  readonly quality: number;
  /** Requests answered by a model below their tier's quality floor, in % of requests. */
  readonly belowFloorPercent: number;
  /** Requests answered per model, most first. */
  readonly servedBy: readonly (readonly [string, number])[];
  /** How late the sender was at the 99th percentile, in milliseconds: large values mean the client fell behind. */
  readonly sendLagP99Ms: number;
  /** The first error's message, to explain a non-zero error count. */
  readonly firstError: string | undefined;
}

function countBy(keys: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0]));
}

function percentOf(count: number, total: number): number {
  return total === 0 ? 0 : (count / total) * 100;
}

/**
 * Summarises one strategy's outcomes against the workload they answer (`outcomes[i]` is the
 * outcome of `workload[i]`). A request misses its SLO when it failed or took longer than its
 * budget; latency figures are of answered requests only, so read them with the error count.
 */
export function summariseOutcomes(
  workload: readonly WorkloadRequest[],
  outcomes: readonly RequestOutcome[],
): StrategySummary {
  const latencies = createLatencyHistogram();
  const lag = createLatencyHistogram();
  let misses = 0;
  let belowFloor = 0;
  let costMicros = 0;
  let quality = 0;
  outcomes.forEach((outcome, index) => {
    const request = workload[index] as WorkloadRequest;
    recordLatencyUs(lag, outcome.sendLagMs * 1000);
    if (outcome.model === undefined) {
      misses += 1;
      return;
    }
    recordLatencyUs(latencies, outcome.latencyMs * 1000);
    if (outcome.latencyMs > request.budgetMs) misses += 1;
    const served = findZooModel(outcome.model).quality;
    if (served < TIERS[request.tier].minQuality) belowFloor += 1;
    costMicros += outcome.costMicros;
    quality += served;
  });
  const requests = outcomes.length;
  const failed = outcomes.filter((outcome) => outcome.model === undefined);
  const answered = outcomes.flatMap((outcome) => (outcome.model === undefined ? [] : [outcome.model]));
  return {
    requests,
    errors: failed.length,
    errorsByStatus: countBy(
      failed.map((outcome) => status[outcome.statusCode] ?? `code ${outcome.statusCode}`),
    ),
    meanMs: answered.length === 0 ? 0 : latencies.mean / 1000,
    p95Ms: latencies.getValueAtPercentile(95) / 1000,
    p99Ms: latencies.getValueAtPercentile(99) / 1000,
    sloMissPercent: percentOf(misses, requests),
    costPerRequestMicros: requests === 0 ? 0 : costMicros / requests,
    quality: requests === 0 ? 0 : quality / requests,
    belowFloorPercent: percentOf(belowFloor, requests),
    servedBy: countBy(answered),
    sendLagP99Ms: lag.getValueAtPercentile(99) / 1000,
    firstError: failed[0]?.errorMessage,
  };
}
