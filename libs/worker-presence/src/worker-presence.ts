import { WorkerState } from '@switchboard/protocol';
import type { WorkerHeartbeat } from '@switchboard/protocol';

/** A worker is presumed gone after this many missed heartbeats. */
const MISSED_HEARTBEATS_BEFORE_GONE = 3;

/** Options for {@link WorkerPresence}. */
export interface WorkerPresenceOptions {
  /** The clock, in Unix milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** Live workers by heartbeat state. */
export interface WorkerCounts {
  readonly ready: number;
  readonly draining: number;
}

/**
 * Which workers are alive, in which state, and which models they have loaded, from their latest
 * `WorkerHeartbeat` (fed by {@link subscribeHeartbeats}). A worker whose last heartbeat is older
 * than 3 of its own intervals is presumed gone and forgotten; a draining worker is alive but serves
 * nothing.
 */
export class WorkerPresence {
  readonly #latest = new Map<string, WorkerHeartbeat>();
  readonly #now: () => number;

  constructor(options: WorkerPresenceOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** Takes `heartbeat` as its worker's current state, replacing the one before. */
  record(heartbeat: WorkerHeartbeat): void {
    this.#latest.set(heartbeat.workerId, heartbeat);
  }

  /** Whether at least one live, ready worker has `model` loaded (at `version`, when given). */
  isServed(model: string, version?: string): boolean {
    for (const heartbeat of this.#live()) if (serves(heartbeat, model, version)) return true;
    return false;
  }

  /** How many live, ready workers have `model` loaded, whatever its version. */
  liveWorkers(model: string): number {
    let live = 0;
    for (const heartbeat of this.#live()) if (serves(heartbeat, model)) live += 1;
    return live;
  }

  /**
   * The latest heartbeat of every live worker, ready or draining, in the order they were first
   * heard: what the resource manager places models on (capacity, loaded models, utilisation).
   */
  workers(): WorkerHeartbeat[] {
    return [...this.#live()];
  }

  /** Live workers by heartbeat state, whatever they serve. */
  countByState(): WorkerCounts {
    const counts = { ready: 0, draining: 0 };
    for (const heartbeat of this.#live()) {
      if (heartbeat.state === WorkerState.READY) counts.ready += 1;
      else if (heartbeat.state === WorkerState.DRAINING) counts.draining += 1;
    }
    return counts;
  }

  /** The latest heartbeat of every worker not presumed gone; forgets the others. */
  *#live(): Generator<WorkerHeartbeat> {
    const nowMs = this.#now();
    for (const [workerId, heartbeat] of this.#latest) {
      const goneAtMs =
        Number(heartbeat.atUnixMs) + Number(heartbeat.intervalMs) * MISSED_HEARTBEATS_BEFORE_GONE;
      if (goneAtMs < nowMs) this.#latest.delete(workerId);
      else yield heartbeat;
    }
  }
}

function serves(heartbeat: WorkerHeartbeat, model: string, version?: string): boolean {
  return (
    heartbeat.state === WorkerState.READY &&
    heartbeat.models.some((loaded) => loaded.name === model && (!version || loaded.version === version))
  );
}
