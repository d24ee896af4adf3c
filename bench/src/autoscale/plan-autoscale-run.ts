import type { ModelArrival } from './read-model-arrivals.js';
import type { BurstWindow } from './select-burst-window.js';

/** One request of a policy's replay, in trace time relative to the measured window's start. */
export interface ScheduledRequest {
  /** Negative for the lead-in, which is replayed but not measured. */
  readonly atMs: number;
  readonly model: string;
  readonly measured: boolean;
}

/**
 * The requests every policy is sent: the window's arrivals, preceded by up to `leadInMs` of the
 * trace before it so forecasts and queues start from the traffic that led up to the stretch.
 */
export function scheduleRequests(
  arrivals: readonly ModelArrival[],
  window: BurstWindow,
  leadInMs: number,
): ScheduledRequest[] {
  const fromMs = window.startMs - leadInMs;
  return arrivals
    .filter((arrival) => arrival.offsetMs >= fromMs && arrival.offsetMs < window.endMs)
    .map((arrival) => ({
      atMs: arrival.offsetMs - window.startMs,
      model: arrival.model,
      measured: arrival.offsetMs >= window.startMs,
    }));
}

/**
 * Replicas a model needs for its busiest bin of `binMs` in the measured window: its arrival rate
 * there ÷ (one replica's capacity × the target utilisation), at least one. What `static-peak`
 * keeps loaded all the time.
 * @param capacityPerSecond requests per second of trace time one replica serves.
 */
export function peakReplicas(
  requests: readonly ScheduledRequest[],
  model: string,
  options: { binMs: number; capacityPerSecond: number; targetUtilisation: number },
): number {
  const counts = new Map<number, number>();
  for (const request of requests) {
    if (!request.measured || request.model !== model) continue;
    const bin = Math.floor(request.atMs / options.binMs);
    counts.set(bin, (counts.get(bin) ?? 0) + 1);
  }
  const peakPerSecond = (Math.max(0, ...counts.values()) * 1_000) / options.binMs;
  const perReplica = options.capacityPerSecond * options.targetUtilisation;
  return Math.max(1, Math.ceil(peakPerSecond / perReplica - 1e-9));
}

/**
 * Workers the pool may grow to, the same for every policy: enough for every model's peak replicas
 * at once — each model's replicas on distinct workers, and within each worker's memory.
 */
export function poolBound(
  peaks: readonly number[],
  replicaMemoryBytes: number,
  workerMemoryBytes: number,
): number {
  const perWorker = Math.max(1, Math.floor(workerMemoryBytes / replicaMemoryBytes));
  const total = peaks.reduce((sum, peak) => sum + peak, 0);
  return Math.max(1, ...peaks, Math.ceil(total / perWorker));
}
