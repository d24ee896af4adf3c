import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { StatusCode, UnavailableError } from '@switchboard/errors';
import { ModelStatisticsSchema, StatsWindow } from '@switchboard/protocol';
import type {
  BatchStats,
  GetStatsRequestSchema,
  GetStatsResponse,
  ModelSpec,
  ModelStatistics,
  RequestStats,
} from '@switchboard/protocol';
import type { Tenant } from '../authenticate.js';
import { resolveVisibleModel, visibleModels } from './visible-model.js';
import type { FrontDoorContext } from './visible-model.js';

/** The monitor's GetStats, e.g. a `@switchboard/grpc` client of MonitorService. */
export interface StatsSource {
  getStats(
    request: MessageInitShape<typeof GetStatsRequestSchema>,
    options?: { timeoutMs?: number },
  ): Promise<GetStatsResponse>;
}

/** Where and how long ModelStatistics asks the monitor. */
export interface StatisticsContext extends FrontDoorContext {
  readonly monitor: StatsSource;
  /** For the message when the monitor cannot be reached, e.g. `127.0.0.1:8020`. */
  readonly monitorAddress: string;
  /** @default 5000 */
  readonly monitorTimeoutMs?: number;
}

const NANOSECONDS_PER_MILLISECOND = 1_000_000;
const DEFAULT_MONITOR_TIMEOUT_MS = 5_000;

function duration(count: bigint, meanMs: number) {
  return { count, ns: BigInt(Math.round(meanMs * NANOSECONDS_PER_MILLISECOND * Number(count))) };
}

/** Request groups (every route and tenant) of one model version, summed. */
function sumRequests(groups: readonly RequestStats[]) {
  let count = 0n;
  let errors = 0n;
  let latencyMsTotal = 0;
  for (const group of groups) {
    count += group.count;
    errors += group.errors;
    latencyMsTotal += group.latencyMeanMs * Number(group.count);
  }
  return { count, errors, meanMs: count === 0n ? 0 : latencyMsTotal / Number(count) };
}

/**
 * One model's statistics in Triton's shape, per version it answered: successes and failures with
 * cumulative latency (the monitor's mean latency × count: the monitor keeps histograms, not sums),
 * executions (batches) and per-batch-size compute time for the served version. Queue and
 * input/output times are not measured apart and stay unset.
 */
export function toModelStatistics(
  model: ModelSpec,
  requests: readonly RequestStats[],
  batches: BatchStats | undefined,
): ModelStatistics[] {
  const versions = new Set([model.version, ...requests.map((group) => group.version)]);
  return [...versions].sort().map((version) => {
    const sum = sumRequests(requests.filter((group) => group.version === version));
    const served = version === model.version ? batches : undefined;
    const executeMeanMs = served?.executeMeanMs ?? 0;
    return create(ModelStatisticsSchema, {
      name: model.name,
      version,
      inferenceCount: sum.count - sum.errors,
      executionCount: served?.batches ?? 0n,
      inferenceStats: {
        success: duration(sum.count - sum.errors, sum.meanMs),
        fail: duration(sum.errors, sum.meanMs),
        computeInfer: {
          count: served?.items ?? 0n,
          ns: duration(served?.batches ?? 0n, executeMeanMs).ns,
        },
      },
      batchStats: Object.entries(served?.sizeCounts ?? {})
        .map(([size, count]) => ({
          batchSize: BigInt(size),
          computeInfer: duration(count, executeMeanMs),
        }))
        .sort((a, b) => Number(a.batchSize - b.batchSize)),
    });
  });
}

/** Everything the monitor counted since its first record, for one model or (empty) all of them. */
async function askMonitor(context: StatisticsContext, model: string) {
  try {
    return await context.monitor.getStats(
      { model, window: StatsWindow.SINCE_START },
      { timeoutMs: context.monitorTimeoutMs ?? DEFAULT_MONITOR_TIMEOUT_MS },
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === StatusCode.UNAVAILABLE || code === StatusCode.DEADLINE_EXCEEDED) {
      throw new UnavailableError(
        `model statistics come from the monitor, which did not answer at ${context.monitorAddress} ` +
          '(ROUTER_MONITOR_ADDRESS); retry once it is up',
        { cause: error, retryAfterMs: 1_000 },
      );
    }
    throw error;
  }
}

/**
 * ModelStatistics since the monitor's first record: for one name (a model, or a route's
 * representative model) the tenant may call, or with an empty name for every model it may call.
 * @throws as resolveVisibleModel for a named model.
 * @throws UnavailableError when the monitor cannot be reached.
 */
export async function readModelStatistics(
  context: StatisticsContext,
  tenant: Tenant,
  name: string,
  version: string,
): Promise<ModelStatistics[]> {
  const models =
    name === ''
      ? visibleModels(context.snapshot, tenant)
      : [resolveVisibleModel(context, tenant, name, version)];
  const stats = await askMonitor(context, models.length === 1 ? models[0]!.name : '');
  const statistics = models.flatMap((model) =>
    toModelStatistics(
      model,
      stats.requests.filter((group) => group.model === model.name),
      stats.batches.find((batch) => batch.model === model.name),
    ),
  );
  return version === '' ? statistics : statistics.filter((entry) => entry.version === version);
}
