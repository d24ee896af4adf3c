/**
 * How one loaded model version is used, for heartbeats: when a batch last started on it and how
 * long batches have run on it in total. The total only grows, so a reader takes the difference
 * between two readings as the busy time in between, whoever else reads it.
 */
export class VersionUsage {
  #finishedBusyMs = 0;
  #running = 0;
  #busySinceMs = 0;
  #lastUsedUnixMs = 0;

  /** A batch starts on the version at `nowMs` (Unix ms). */
  begin(nowMs: number = Date.now()): void {
    if (this.#running === 0) this.#busySinceMs = nowMs;
    this.#running += 1;
    this.#lastUsedUnixMs = nowMs;
  }

  /** A batch begun earlier ended at `nowMs`. */
  end(nowMs: number = Date.now()): void {
    if (this.#running === 0) return;
    this.#running -= 1;
    if (this.#running === 0) this.#finishedBusyMs += nowMs - this.#busySinceMs;
  }

  /** When a batch last started on the version, Unix ms; 0 when none has. */
  get lastUsedUnixMs(): number {
    return this.#lastUsedUnixMs;
  }

  /** Time batches have run on the version up to `nowMs`, a batch running now included, ms. */
  busyMs(nowMs: number = Date.now()): number {
    return this.#finishedBusyMs + (this.#running > 0 ? Math.max(0, nowMs - this.#busySinceMs) : 0);
  }
}
