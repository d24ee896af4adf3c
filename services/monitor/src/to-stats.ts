import { create } from '@bufbuild/protobuf';
import { BatchStatsSchema, RequestStatsSchema } from '@switchboard/protocol';
import type { BatchStats, RequestStats } from '@switchboard/protocol';
import type { BatchCounters } from './batch-counters.js';
import type { GroupKey } from './group-key.js';
import type { RequestCounters } from './request-counters.js';

const MICROSECONDS_PER_MILLISECOND = 1_000;

/** One group's request counters as the API reports them; throughput is count ÷ `spanMs`. */
export function toRequestStats(group: GroupKey, counters: RequestCounters, spanMs: number): RequestStats {
  const latencyMs = (percentile: number) =>
    counters.latency.percentileUs(percentile) / MICROSECONDS_PER_MILLISECOND;
  return create(RequestStatsSchema, {
    ...group,
    count: BigInt(counters.count),
    errors: BigInt(counters.errors),
    statusCounts: Object.fromEntries(
      [...counters.statusCounts].map(([name, count]) => [name, BigInt(count)] as const),
    ),
    latencyP50Ms: latencyMs(50),
    latencyP95Ms: latencyMs(95),
    latencyP99Ms: latencyMs(99),
    latencyMaxMs: counters.maxLatencyUs / MICROSECONDS_PER_MILLISECOND,
    latencyMeanMs: counters.latency.meanUs() / MICROSECONDS_PER_MILLISECOND,
    throughputPerSecond: (counters.count * 1_000) / spanMs,
    costPerRequestMicros: counters.count === 0 ? 0 : counters.costMicros / counters.count,
    totalCostMicros: counters.costMicros,
  });
}

/** One model's batch counters as the API reports them. */
export function toBatchStats(model: string, counters: BatchCounters): BatchStats {
  return create(BatchStatsSchema, {
    model,
    batches: BigInt(counters.batches),
    items: BigInt(counters.items),
    meanBatchSize: counters.batches === 0 ? 0 : counters.items / counters.batches,
    sizeCounts: Object.fromEntries(
      [...counters.sizeCounts].map(([size, count]) => [size, BigInt(count)] as const),
    ),
    executeP50Ms: counters.execute.percentileUs(50) / MICROSECONDS_PER_MILLISECOND,
    executeP99Ms: counters.execute.percentileUs(99) / MICROSECONDS_PER_MILLISECOND,
    executeMeanMs: counters.execute.meanUs() / MICROSECONDS_PER_MILLISECOND,
    utilisation: counters.batches === 0 ? 0 : counters.utilisationSum / counters.batches,
  });
}
