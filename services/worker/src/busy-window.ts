/**
 * Busy time over a trailing window, kept in one-second slots so memory stays constant however many
 * batches run. Gives a utilisation that falls back to 0 when a model goes idle, which a value taken
 * from the last batch would not.
 */
export class BusyWindow {
  readonly #slots: Array<{ second: number; busyMs: number }>;

  /** @param windowSeconds length of the window. @default 10 */
  constructor(private readonly windowSeconds = 10) {
    this.#slots = Array.from({ length: windowSeconds }, () => ({ second: -1, busyMs: 0 }));
  }

  /** Counts `busyMs` of work that ended at `atMs` (Unix ms). */
  add(atMs: number, busyMs: number): void {
    const second = Math.floor(atMs / 1000);
    const slot = this.#slots[second % this.windowSeconds]!;
    if (slot.second !== second) Object.assign(slot, { second, busyMs: 0 });
    slot.busyMs += busyMs;
  }

  /** Busy fraction of the window ending at `nowMs`, in [0, 1]. */
  ratio(nowMs: number): number {
    const now = Math.floor(nowMs / 1000);
    const oldest = now - this.windowSeconds + 1;
    const busyMs = this.#slots
      .filter((slot) => slot.second >= oldest && slot.second <= now)
      .reduce((sum, slot) => sum + slot.busyMs, 0);
    // The current second has only partly elapsed.
    const elapsedMs = (this.windowSeconds - 1) * 1000 + (nowMs - now * 1000);
    return Math.min(1, busyMs / Math.max(1, elapsedMs));
  }
}
