import type { QueueDelayObservation } from '@switchboard/routing-policy';

/** A request a model served, as its batching delay is tuned from it. */
export interface LatencyObservation extends QueueDelayObservation {
  /** The router's decision key of the request: the same decision delivered twice counts once. */
  readonly requestKey: string;
  /** When the router answered, Unix ms: requests answered before a knob applied are not its evidence. */
  readonly answeredAtMs: number;
}

/**
 * Per model, the newest `size` requests it served (a ring): what its batching delay is judged by.
 * Which models get a window is the caller's choice (registry models only), so memory stays within
 * models × size.
 */
export class LatencyWindows {
  readonly #windows = new Map<string, Window>();

  constructor(private readonly size: number) {}

  /** Keeps an observation of `model`; one whose request is in the window already is dropped. */
  add(model: string, observation: LatencyObservation): void {
    let window = this.#windows.get(model);
    if (window === undefined) {
      window = { ring: [], next: 0, keys: new Set() };
      this.#windows.set(model, window);
    }
    if (window.keys.has(observation.requestKey)) return;
    const evicted = window.ring[window.next];
    if (evicted !== undefined) window.keys.delete(evicted.requestKey);
    window.ring[window.next] = observation;
    window.keys.add(observation.requestKey);
    window.next = (window.next + 1) % this.size;
  }

  /** The models with a window. */
  models(): string[] {
    return [...this.#windows.keys()];
  }

  /** The model's observations of requests answered at or after `sinceMs` (Unix ms). */
  since(model: string, sinceMs: number): LatencyObservation[] {
    const ring = this.#windows.get(model)?.ring ?? [];
    return ring.filter((observation) => observation.answeredAtMs >= sinceMs);
  }

  /** Forgets the model's observations (after its delay changed, or when it no longer batches). */
  delete(model: string): void {
    this.#windows.delete(model);
  }
}

interface Window {
  readonly ring: LatencyObservation[];
  /** Where the next observation goes, overwriting the oldest once the ring is full. */
  next: number;
  readonly keys: Set<string>;
}
