import { create } from '@bufbuild/protobuf';
import { BatchingMode, Modality, ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';

/**
 * How one simulated model replica behaves, in trace time: an LLM replica batching up to
 * `maxBatchSize` requests, a batch taking `baseMs + perItemMs × size` (the synthetic runtime's
 * `base_latency_ms` and `per_item_ms`), loaded in `loadMs` (its cold start) into `memoryBytes`.
 */
export interface ReplicaProfile {
  readonly baseMs: number;
  readonly perItemMs: number;
  readonly maxBatchSize: number;
  readonly loadMs: number;
  readonly memoryBytes: number;
}

const GIB = 1024 ** 3;

/**
 * The profile of every model of the run. A full batch of 16 takes 2.46 s, so one replica serves
 * 6.5 requests per second — about the Azure code trace's mean rate at 0.7 utilisation, a third of
 * its bursts. The cold start, 20 s, is what loading a 7B model's 16 GiB of fp16 weights from local
 * disk and warming it takes (Ray Serve and KServe report 30–60 s including the pod start).
 */
export const REPLICA_PROFILE: ReplicaProfile = {
  baseMs: 1_500,
  perItemMs: 60,
  maxBatchSize: 16,
  loadMs: 20_000,
  memoryBytes: 16 * GIB,
};

/** Memory of one worker: three models' replicas fit, a fourth does not. */
export const WORKER_MEMORY_BYTES = 48 * GIB;

/** Requests per second of trace time one replica serves with full batches. */
export function replicaCapacityPerSecond(profile: ReplicaProfile): number {
  return (profile.maxBatchSize * 1_000) / (profile.baseMs + profile.perItemMs * profile.maxBatchSize);
}

/** The longest a request can take on an idle replica, in trace time: a full batch. */
export function fullBatchMs(profile: ReplicaProfile): number {
  return profile.baseMs + profile.perItemMs * profile.maxBatchSize;
}

/** What a model's registration carries besides its profile. */
export interface AutoscaleModelOptions {
  /** Wall-clock time runs this many times faster than trace time: every duration is divided by it. */
  readonly speedup: number;
  /** Replicas the resource manager keeps whatever the demand. */
  readonly minReplicas: number;
  /** The request SLO, trace ms; the manager's queue-wait SLO is what is left of it after a full batch. */
  readonly sloMs: number;
}

/** The registry entry of one simulated model (runtime `synthetic`, tiny FP32 inputs). */
export function toAutoscaleModelSpec(
  name: string,
  profile: ReplicaProfile,
  options: AutoscaleModelOptions,
): ModelSpec {
  const { speedup } = options;
  const queueWaitMs = Math.max(1, Math.round((options.sloMs - fullBatchMs(profile)) / speedup));
  return create(ModelSpecSchema, {
    name,
    runtime: 'synthetic',
    task: 'generation',
    modality: Modality.STRUCTURED,
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1n, 4n] }],
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1n, 3n] }],
    batching: { mode: BatchingMode.DYNAMIC, maxBatchSize: profile.maxBatchSize, maxQueueDelayUs: 0 },
    runtimeOptions: {
      base_latency_ms: String(profile.baseMs / speedup),
      per_item_ms: String(profile.perItemMs / speedup),
      load_ms: String(profile.loadMs / speedup),
    },
    memoryBytes: BigInt(profile.memoryBytes),
    latencyPriorMs: (profile.baseMs + profile.perItemMs) / speedup,
    scaling: { minReplicas: options.minReplicas, maxReplicas: 0, queueWaitSloMs: queueWaitMs },
  });
}
