/** What the timeline needs of one worker heartbeat (`worker.heartbeat`). */
export interface ReplicaBeat {
  readonly workerId: string;
  /** When the worker sent it, unix ms. */
  readonly atMs: number;
  /** The worker's heartbeat interval, ms: it is presumed gone after three missed beats. */
  readonly intervalMs: number;
  /** Models loaded and serving, with the measured cold start of each. */
  readonly loaded: readonly { readonly model: string; readonly loadMs: number }[];
  /** Models being loaded for an assignment: they hold memory already, so they cost like replicas. */
  readonly loading: readonly string[];
}

/** A replica that appeared on a worker: a model loaded where it was not before. */
export interface ColdStart {
  readonly model: string;
  readonly workerId: string;
  /** When it was first seen, loading or loaded, unix ms. */
  readonly atMs: number;
  /** Its measured load time once it reported loaded; undefined while it never did. */
  readonly loadMs: number | undefined;
}

/** The presence rule of the manager and the router: a worker is gone after three missed heartbeats. */
const MISSED_BEATS = 3;

/** Models a beat counts as replicas: loaded or loading, each once. */
function replicasOf(beat: ReplicaBeat): Set<string> {
  return new Set([...beat.loaded.map((entry) => entry.model), ...beat.loading]);
}

/**
 * Replicas over time, from worker heartbeats. A beat's replicas hold from its time until the
 * worker's next beat, or until the worker is presumed gone (three intervals without a beat). Feed
 * beats as they arrive; beats of one worker older than its latest are ignored.
 */
export class ReplicaTimeline {
  readonly #beats = new Map<string, ReplicaBeat[]>();
  readonly #coldStarts: { model: string; workerId: string; atMs: number; loadMs: number | undefined }[] = [];

  observe(beat: ReplicaBeat): void {
    const beats = this.#beats.get(beat.workerId) ?? [];
    const previous = beats.at(-1);
    if (previous !== undefined && beat.atMs < previous.atMs) return;
    beats.push(beat);
    this.#beats.set(beat.workerId, beats);
    this.#recordLoads(previous, beat);
  }

  #recordLoads(previous: ReplicaBeat | undefined, beat: ReplicaBeat): void {
    const before = previous === undefined ? new Set<string>() : replicasOf(previous);
    const gone = previous !== undefined && beat.atMs > previous.atMs + MISSED_BEATS * previous.intervalMs;
    for (const model of replicasOf(beat)) {
      if (gone || !before.has(model)) {
        this.#coldStarts.push({ model, workerId: beat.workerId, atMs: beat.atMs, loadMs: undefined });
      }
    }
    for (const { model, loadMs } of beat.loaded) {
      const start = this.#coldStarts.findLast(
        (candidate) => candidate.workerId === beat.workerId && candidate.model === model,
      );
      if (start !== undefined && start.loadMs === undefined && loadMs > 0) start.loadMs = loadMs;
    }
  }

  /** Each beat with the time its replicas stop counting: the next beat, or three intervals on. */
  *#segments(): Generator<{ beat: ReplicaBeat; untilMs: number }> {
    for (const beats of this.#beats.values()) {
      for (const [index, beat] of beats.entries()) {
        const lapseMs = beat.atMs + MISSED_BEATS * beat.intervalMs;
        yield { beat, untilMs: Math.min(beats[index + 1]?.atMs ?? Infinity, lapseMs) };
      }
    }
  }

  /**
   * Replica-seconds between `startMs` and `endMs` (unix ms): the integral of the replicas held
   * over that time, of one model or of all.
   */
  replicaSeconds(startMs: number, endMs: number, model?: string): number {
    let replicaMs = 0;
    for (const { beat, untilMs } of this.#segments()) {
      const overlapMs = Math.min(untilMs, endMs) - Math.max(beat.atMs, startMs);
      if (overlapMs <= 0) continue;
      const replicas = replicasOf(beat);
      const count = model === undefined ? replicas.size : replicas.has(model) ? 1 : 0;
      replicaMs += count * overlapMs;
    }
    return replicaMs / 1_000;
  }

  /** Replicas held at `atMs` (unix ms), per model; models with none are absent. */
  replicasAt(atMs: number): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { beat, untilMs } of this.#segments()) {
      if (atMs < beat.atMs || atMs >= untilMs) continue;
      for (const model of replicasOf(beat)) counts.set(model, (counts.get(model) ?? 0) + 1);
    }
    return counts;
  }

  /** Replicas that appeared between `startMs` and `endMs` (unix ms), oldest first. */
  coldStarts(startMs: number, endMs: number): ColdStart[] {
    return this.#coldStarts
      .filter((start) => start.atMs >= startMs && start.atMs < endMs)
      .map((start) => ({ ...start }));
  }
}
