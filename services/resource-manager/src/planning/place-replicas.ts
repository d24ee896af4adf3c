import { packWorkers } from './pack-workers.js';
import { PoolLayout } from './pool-layout.js';
import type { PlacementMove, ReplicaWant, WorkerSlot } from './pool-layout.js';

export type { PlacementMove, PlacementMoveReason, ReplicaWant, WorkerSlot } from './pool-layout.js';

/** Where every model's replicas go. */
export interface Placement {
  /** Every worker's complete model set after the placement, names sorted (empty for a draining worker). */
  assignments: Map<string, string[]>;
  /** What changes, unloads before loads. */
  moves: PlacementMove[];
  /** Replicas that found no worker, and why. */
  unplaced: { model: string; replicas: number; reason: string }[];
}

/**
 * Places the wanted replicas on the workers, moving as little as possible:
 * 1. draining workers lose all their models and get nothing new;
 * 2. models nobody wants, and replicas above a model's `keepUpTo`, are unloaded, least recently
 *    used first; a worker holding more than its memory (a footprint grew) sheds surplus replicas,
 *    then others, least recently used first;
 * 3. replicas already in place stay; missing ones are added one at a time, the model with the
 *    fewest replicas first (every model gets one before any gets two), larger models first among
 *    equals, each on the worker with the most free memory that does not hold the model yet
 *    (spread); where none has room, surplus replicas (above `replicas`, below `keepUpTo`) are
 *    evicted from the worker whose needed evictions were used least recently;
 * 4. what still does not fit is reported as unplaced with the reason.
 * A worker's models never add up to more than its memory. Deterministic: ties go by worker id.
 */
export function placeReplicas(workers: WorkerSlot[], wants: ReplicaWant[]): Placement {
  const layout = new PoolLayout(workers, wants);
  layout.shed();
  const unplaced = layout.addMissing();
  return { assignments: layout.assignments(), moves: layout.moves(), unplaced };
}

/**
 * Workers needed to hold every wanted replica (`replicas`, not `keepUpTo`) in workers of
 * `workerMemoryBytes`: a first-fit-decreasing packing with each model's replicas on distinct
 * workers, so at least the largest replica count. Models larger than a worker are left out (no
 * number of workers holds them). Clamped to [min, max].
 * @throws RangeError when workerMemoryBytes is not positive.
 */
export function desiredWorkerCount(
  wants: ReplicaWant[],
  workerMemoryBytes: number,
  bounds: { min: number; max: number },
): number {
  if (!(workerMemoryBytes > 0))
    throw new RangeError(`workerMemoryBytes must be positive, got ${workerMemoryBytes}`);
  return Math.min(bounds.max, Math.max(bounds.min, packWorkers(wants, workerMemoryBytes)));
}
