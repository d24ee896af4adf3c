/** The span "recent" throughput covers, as the router's load signal wants it. */
const WINDOW_MS = 10_000;
const SLOT_MS = 1_000;
const SLOTS = WINDOW_MS / SLOT_MS;
/** The shortest span divided by, so a first record does not read as thousands per second. */
const MIN_SPAN_MS = 1_000;

/**
 * Requests answered per model over the last ~10 s, by record time, in 1 s slots. Live state only:
 * fed by records this process applies, it is not checkpointed, so right after a restart it divides
 * by the time since the first record it saw rather than by 10 s.
 */
export class RecentThroughput {
  readonly #slots = new Map<string, Map<number, number>>();
  #firstAtMs: number | undefined;

  /** Counts one answered request of `model` at record time `atMs`. */
  record(model: string, atMs: number): void {
    const slot = Math.floor(atMs / SLOT_MS);
    let slots = this.#slots.get(model);
    if (slots === undefined) {
      slots = new Map();
      this.#slots.set(model, slots);
    }
    slots.set(slot, (slots.get(slot) ?? 0) + 1);
    this.#firstAtMs = Math.min(this.#firstAtMs ?? atMs, atMs);
    // Keep memory bounded by the window, whatever the traffic.
    if (slots.size > SLOTS * 2) for (const old of slots.keys()) if (old <= slot - SLOTS) slots.delete(old);
  }

  /** Requests per second of `model` over the last ~10 s before `nowMs`. */
  perSecond(model: string, nowMs: number): number {
    const firstSlot = Math.floor(nowMs / SLOT_MS) - SLOTS + 1;
    let count = 0;
    for (const [slot, slotCount] of this.#slots.get(model) ?? []) if (slot >= firstSlot) count += slotCount;
    const startMs = Math.max(firstSlot * SLOT_MS, this.#firstAtMs ?? nowMs);
    return (count * 1_000) / Math.max(MIN_SPAN_MS, nowMs - startMs);
  }
}
