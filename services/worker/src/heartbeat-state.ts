import type { WorkerState } from '@switchboard/protocol';
import type { HeartbeatState } from './heartbeat.js';
import type { HostedModel } from './model-host.js';

/** What a worker's heartbeat is built from. */
export interface HeartbeatSources {
  workerId: string;
  /** Memory the loaded models may hold together, bytes (`WORKER_MEMORY_BYTES`). */
  memoryBytes: number;
  /** Batches the worker can run at once (`WORKER_SLOTS`). */
  slots: number;
  state: () => WorkerState;
  loaded: () => HostedModel[];
  loading: () => string[];
  /** Epoch of the newest assignment applied; 0 while only the starting models are served. */
  assignmentEpoch: () => bigint;
  /** The clock, Unix ms. @default Date.now */
  now?: () => number;
}

/**
 * Builds each heartbeat from the worker's current state. Utilisation is measured between one beat
 * and the next: each loaded version's busy time since the previous beat over the time elapsed, and
 * the worker's the sum of them over its slots; so the figures of a beat sent right after a change
 * cover the short time since the beat before.
 */
export function createHeartbeatState(sources: HeartbeatSources): HeartbeatState {
  const now = sources.now ?? Date.now;
  let previousAtMs = now();
  /** Busy ms per `model\0version` at the previous beat; only loaded versions are kept. */
  let previousBusyMs = new Map<string, number>();
  return () => {
    const nowMs = now();
    const elapsedMs = Math.max(1, nowMs - previousAtMs);
    const busyMs = new Map<string, number>();
    let busyTotalMs = 0;
    const loaded = sources.loaded();
    // One entry per loaded version, so the pool sees what versions loaded on demand hold.
    const models = loaded.flatMap(({ spec, versions }) =>
      versions.map((version) => {
        const key = `${spec.name}\0${version.version}`;
        busyMs.set(key, version.busyMs);
        // A version loaded since the previous beat started from 0; one reloaded in between restarted.
        const busySinceMs = Math.max(0, version.busyMs - (previousBusyMs.get(key) ?? 0));
        busyTotalMs += busySinceMs;
        return {
          name: spec.name,
          version: version.version,
          runtime: spec.runtime,
          memoryBytes: BigInt(version.footprintBytes),
          loadMs: version.loadMs,
          lastUsedUnixMs: BigInt(version.lastUsedUnixMs),
          utilisation: Math.min(1, busySinceMs / elapsedMs),
          inFlight: version.inFlight,
        };
      }),
    );
    previousAtMs = nowMs;
    previousBusyMs = busyMs;
    return {
      workerId: sources.workerId,
      state: sources.state(),
      models,
      inFlight: loaded.reduce((sum, model) => sum + model.inFlight, 0),
      capacity: { memoryBytes: BigInt(sources.memoryBytes), slots: sources.slots },
      memoryUsedBytes: BigInt(loaded.reduce((sum, model) => sum + model.footprintBytes, 0)),
      utilisation: Math.min(1, busyTotalMs / (elapsedMs * sources.slots)),
      loading: sources.loading(),
      assignmentEpoch: sources.assignmentEpoch(),
    };
  };
}
