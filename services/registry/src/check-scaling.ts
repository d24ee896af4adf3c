import type { ScalingSpec } from '@switchboard/protocol';

/** Most replicas a model may ask for: far beyond any pool, low enough to catch a typo. */
const MAX_REPLICAS = 1_000;
/** Longest queue-wait SLO: one hour, in milliseconds; a longer wait is no target for scaling. */
const MAX_QUEUE_WAIT_SLO_MS = 3_600_000;
/** Longest idle period before unloading: seven days, in seconds (a weekly pattern's span). */
const MAX_IDLE_UNLOAD_SECONDS = 604_800;

/**
 * The problems of a model's scaling spec, or an empty list when it has none or it is sound. Fields
 * are uint32, so only upper bounds and the order of the replica bounds can be wrong.
 */
export function checkScaling(scaling: ScalingSpec | undefined): string[] {
  if (scaling === undefined) return [];
  const problems: string[] = [];
  const atMost = (field: string, value: number, limit: number, unit: string) => {
    if (value > limit) problems.push(`scaling.${field} ${value} must be <= ${limit}${unit}`);
  };
  atMost('min_replicas', scaling.minReplicas, MAX_REPLICAS, '');
  atMost('max_replicas', scaling.maxReplicas, MAX_REPLICAS, ' (0 = no bound but the pool)');
  if (scaling.maxReplicas > 0 && scaling.minReplicas > scaling.maxReplicas) {
    problems.push(
      `scaling.min_replicas ${scaling.minReplicas} exceeds scaling.max_replicas ${scaling.maxReplicas}; ` +
        'lower min_replicas, raise max_replicas or set it to 0 (no bound but the pool)',
    );
  }
  atMost('queue_wait_slo_ms', scaling.queueWaitSloMs, MAX_QUEUE_WAIT_SLO_MS, ' (1 h)');
  atMost('idle_unload_seconds', scaling.idleUnloadSeconds, MAX_IDLE_UNLOAD_SECONDS, ' (7 days)');
  return problems;
}
