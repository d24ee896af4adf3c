import type { WorkloadRequest } from './create-workload.js';
import { WORKLOAD_MIX } from './create-workload.js';
import { MODEL_ZOO, TIERS } from './model-zoo.js';
import type { Tier, WorkloadModality } from './model-zoo.js';

const percent = (count: number, total: number) =>
  `${total === 0 ? '0.0' : ((count / total) * 100).toFixed(1)}%`;
const whole = (value: number) => Math.round(value).toLocaleString('en-US');

function quantile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

/** The most requests due in any one second of the replay. */
function busiestSecond(workload: readonly WorkloadRequest[]): number {
  const perSecond = new Map<number, number>();
  for (const request of workload) {
    const second = Math.floor(request.sendAtMs / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  return Math.max(0, ...perSecond.values());
}

function describeText(workload: readonly WorkloadRequest[]): string {
  const tokens = workload
    .filter((request) => request.modality === 'text')
    .map((request) => request.complexity)
    .sort((left, right) => left - right);
  const smallest = MODEL_ZOO.find((model) => model.modality === 'text' && model.maxComplexity !== undefined);
  const tooLong =
    smallest?.maxComplexity === undefined
      ? 0
      : tokens.filter((count) => count > (smallest.maxComplexity ?? 0)).length;
  const limit =
    smallest === undefined
      ? ''
      : `, ${percent(tooLong, tokens.length)} over ${smallest.name}'s ${whole(smallest.maxComplexity ?? 0)}`;
  return `prompt tokens p50 ${whole(quantile(tokens, 0.5))}, p99 ${whole(quantile(tokens, 0.99))}${limit}`;
}

/**
 * Describes the replayed workload in a few lines: size, offered load (mean and busiest second),
 * the modality, tier and deadline mix as drawn, and where the arrivals came from.
 */
export function describeWorkload(
  workload: readonly WorkloadRequest[],
  seconds: number,
  source: string,
): string {
  const count = (predicate: (request: WorkloadRequest) => boolean) => workload.filter(predicate).length;
  const total = workload.length;
  const modalities = (['text', 'image', 'structured'] as WorkloadModality[]).map((modality) => {
    const share = `${modality} ${percent(
      count((request) => request.modality === modality),
      total,
    )}`;
    return modality === 'text' ? `${share} (${describeText(workload)})` : share;
  });
  const tiers = (Object.keys(TIERS) as Tier[]).map(
    (tier) =>
      `${tier} ${percent(
        count((request) => request.tier === tier),
        total,
      )} (budget ${TIERS[tier].slaMs} ms, floor ${TIERS[tier].minQuality})`,
  );
  const [lowest, highest] = WORKLOAD_MIX.tightBudgetMs;
  const tight = percent(
    count((request) => request.tightDeadline),
    total,
  );
  return [
    `workload: ${whole(total)} requests in ${seconds} s, ${source}`,
    `  offered load: mean ${(total / seconds).toFixed(1)} req/s, busiest second ${busiestSecond(workload)} req/s`,
    `  ${modalities.join(', ')}`,
    `  tiers: ${tiers.join(', ')}`,
    `  tight gRPC deadline (${lowest}–${highest} ms) on ${tight} of requests; the others carry sla_ms = their tier's budget`,
  ].join('\n');
}
