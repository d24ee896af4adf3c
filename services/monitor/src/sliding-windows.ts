/** Width of one sub-window; every window is a whole number of them. */
export const SUB_WINDOW_MS = 10_000;

/** Sub-windows kept per series: enough for the longest window (5 min). */
export const RETAINED_SUB_WINDOWS = 30;

/** Counters that can absorb others of their kind (RequestCounters, BatchCounters). */
export interface MergeableCounters<C> {
  add(other: C): void;
}

/** {@link SlidingWindows} as JSON, for the checkpoint. */
export interface SlidingWindowsState<S> {
  readonly total: S;
  readonly subWindows: readonly { readonly index: number; readonly counters: S }[];
}

/** The sub-window (index of its 10 s slot since the epoch) a record time falls in. */
export function subWindowIndex(atMs: number): number {
  return Math.floor(atMs / SUB_WINDOW_MS);
}

/**
 * Counters since start plus a ring of 10 s sub-windows keyed by record time, merged on read into
 * 1 min or 5 min windows. Keying by the record's own time (not arrival) makes a replay after a
 * restart rebuild exactly the same windows.
 */
export class SlidingWindows<C extends MergeableCounters<C>> {
  readonly total: C;
  readonly #subWindows = new Map<number, C>();
  readonly #create: () => C;
  #newestIndex = Number.NEGATIVE_INFINITY;

  constructor(create: () => C, total: C = create()) {
    this.#create = create;
    this.total = total;
  }

  /** Rebuilds windows from {@link SlidingWindows.toState}'s output. */
  static fromState<C extends MergeableCounters<C>, S>(
    state: SlidingWindowsState<S>,
    create: () => C,
    decode: (state: S) => C,
  ): SlidingWindows<C> {
    const windows = new SlidingWindows(create, decode(state.total));
    for (const { index, counters } of state.subWindows) {
      windows.#subWindows.set(index, decode(counters));
      windows.#newestIndex = Math.max(windows.#newestIndex, index);
    }
    return windows;
  }

  /**
   * Applies `update` to the total and to the sub-window of `atMs`. A record older than every
   * retained sub-window counts in the total only: no window reaches back that far.
   */
  record(atMs: number, update: (counters: C) => void): void {
    update(this.total);
    const index = subWindowIndex(atMs);
    if (index > this.#newestIndex) {
      this.#newestIndex = index;
      this.prune(index - RETAINED_SUB_WINDOWS + 1);
    }
    if (index <= this.#newestIndex - RETAINED_SUB_WINDOWS) return;
    let counters = this.#subWindows.get(index);
    if (counters === undefined) {
      counters = this.#create();
      this.#subWindows.set(index, counters);
    }
    update(counters);
  }

  /** The sub-windows from `firstIndex` on (later ones included: clocks of publishers may run ahead), merged. */
  since(firstIndex: number): C {
    const merged = this.#create();
    for (const [index, counters] of this.#subWindows) if (index >= firstIndex) merged.add(counters);
    return merged;
  }

  /** Whether any sub-window from `firstIndex` on holds data; lets readers skip idle series cheaply. */
  hasDataSince(firstIndex: number): boolean {
    for (const index of this.#subWindows.keys()) if (index >= firstIndex) return true;
    return false;
  }

  /** Drops sub-windows before `firstIndexToKeep`. */
  prune(firstIndexToKeep: number): void {
    for (const index of this.#subWindows.keys()) if (index < firstIndexToKeep) this.#subWindows.delete(index);
  }

  toState<S>(encode: (counters: C) => S): SlidingWindowsState<S> {
    return {
      total: encode(this.total),
      subWindows: [...this.#subWindows].map(([index, counters]) => ({ index, counters: encode(counters) })),
    };
  }
}
