import { createLatencyHistogram } from '../shared/latency-histogram.js';
import type { PolicyName, PolicyResult, RatiosToStatic, RequestOutcome } from './replay-results.js';

/** The latency summary of the requests answered OK: HDR histogram over whole milliseconds. */
function summariseLatency(outcomes: readonly RequestOutcome[]): PolicyResult['latency_ms'] {
  const answered = outcomes.filter((outcome) => outcome.code === 0);
  if (answered.length === 0) return { mean: 0, p50: 0, p95: 0, p99: 0 };
  const histogram = createLatencyHistogram();
  for (const outcome of answered) histogram.recordValue(Math.max(1, Math.round(outcome.latencyMs)));
  const mean = answered.reduce((sum, outcome) => sum + outcome.latencyMs, 0) / answered.length;
  const result = {
    mean,
    p50: histogram.getValueAtPercentile(50),
    p95: histogram.getValueAtPercentile(95),
    p99: histogram.getValueAtPercentile(99),
  };
  histogram.destroy();
  return result;
}

/** Answers per router reason. */
function countReasons(answered: readonly RequestOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { reason } of answered) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}

/**
 * One policy's figures from its outcomes and run duration (ms of trace time). Throughput and
 * goodput divide by the run's duration; accuracy and SLO misses by every request sent (an error is
 * a miss and a wrong answer); cost is the mean recorded cost of the requests answered; reasons
 * count the answers by why the router chose their model.
 */
export function summarisePolicy(
  outcomes: readonly RequestOutcome[],
  durationMs: number,
  capacityRps: number | null = null,
): PolicyResult {
  const requests = outcomes.length;
  const answered = outcomes.filter((outcome) => outcome.code === 0);
  const withinSlo = outcomes.filter((outcome) => outcome.withinSlo).length;
  const seconds = Math.max(durationMs, 1) / 1_000;
  return {
    requests,
    errors: requests - answered.length,
    latency_ms: summariseLatency(outcomes),
    throughput_rps: answered.length / seconds,
    goodput_rps: withinSlo / seconds,
    slo_miss_rate: requests === 0 ? 0 : 1 - withinSlo / requests,
    cost_per_request_usd:
      answered.length === 0
        ? 0
        : answered.reduce((sum, outcome) => sum + outcome.costUsd, 0) / answered.length,
    accuracy: requests === 0 ? 0 : outcomes.filter((outcome) => outcome.correct).length / requests,
    capacity_rps: capacityRps,
    reasons: countReasons(answered),
  };
}

/** `value / base`; null when static's figure is 0 and no ratio exists. */
const ratio = (value: number, base: number) => (base === 0 ? null : value / base);

/** Every policy's figures as ratios to static's; empty when static did not run. */
export function ratiosToStatic(
  policies: Readonly<Partial<Record<PolicyName, PolicyResult>>>,
): Partial<Record<PolicyName, RatiosToStatic>> {
  const base = policies.static;
  if (base === undefined) return {};
  const entries = Object.entries(policies) as [PolicyName, PolicyResult][];
  return Object.fromEntries(
    entries.map(([name, result]) => [
      name,
      {
        mean: ratio(result.latency_ms.mean, base.latency_ms.mean),
        p95: ratio(result.latency_ms.p95, base.latency_ms.p95),
        p99: ratio(result.latency_ms.p99, base.latency_ms.p99),
        goodput: ratio(result.goodput_rps, base.goodput_rps),
        capacity:
          result.capacity_rps === null || base.capacity_rps === null
            ? null
            : ratio(result.capacity_rps, base.capacity_rps),
        cost: ratio(result.cost_per_request_usd, base.cost_per_request_usd),
        accuracy_points: (result.accuracy - base.accuracy) * 100,
      },
    ]),
  );
}
