/**
 * The largest value seen in the last `windowMs`: what scale-down waits for. A value keeps counting
 * until it is older than the window, so a dip between two bursts does not drop what the next burst
 * needs. Holds one entry per distinct value change, so a steady value costs one entry.
 */
export class RecentPeak {
  #entries: { atMs: number; value: number }[] = [];

  constructor(private readonly windowMs: number) {}

  /** Records `value` at `nowMs` and returns the peak over the window ending now. */
  update(value: number, nowMs: number): number {
    this.#entries = this.#entries.filter((entry) => entry.atMs > nowMs - this.windowMs);
    const last = this.#entries[this.#entries.length - 1];
    if (last === undefined || last.value !== value) this.#entries.push({ atMs: nowMs, value });
    else last.atMs = nowMs;
    return Math.max(value, ...this.#entries.map((entry) => entry.value));
  }
}
