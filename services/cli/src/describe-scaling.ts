import type { ScalingSpec } from '@switchboard/protocol';
import prettyMilliseconds from 'pretty-ms';

/**
 * A model's scaling spec in a few words for the model table, e.g. `replicas 1–4, queue wait ≤ 500ms,
 * idle unload 10m`; fields at 0 take the resource manager's defaults and are left out. `-` when
 * the model has no spec.
 */
export function describeScaling(scaling: ScalingSpec | undefined): string {
  if (scaling === undefined) return '-';
  const { minReplicas, maxReplicas, queueWaitSloMs, idleUnloadSeconds } = scaling;
  const parts = [
    describeReplicas(minReplicas, maxReplicas),
    queueWaitSloMs > 0 ? `queue wait ≤ ${prettyMilliseconds(queueWaitSloMs)}` : '',
    idleUnloadSeconds > 0 ? `idle unload ${prettyMilliseconds(idleUnloadSeconds * 1000)}` : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? '-' : parts.join(', ');
}

function describeReplicas(minReplicas: number, maxReplicas: number): string {
  if (maxReplicas === 0) return minReplicas === 0 ? '' : `replicas ≥ ${minReplicas}`;
  return minReplicas === 0 ? `replicas ≤ ${maxReplicas}` : `replicas ${minReplicas}–${maxReplicas}`;
}
