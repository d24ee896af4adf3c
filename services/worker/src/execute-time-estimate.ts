/** Weight of the newest measurement in a batch size's moving average. */
const SMOOTHING = 0.3;

/**
 * How long a model's batches take to execute, per batch size: an exponentially weighted moving
 * average of measured batches. A size not measured yet takes the nearest measured size's estimate
 * (execution time grows slowly with batch size on batching runtimes), and before any batch was
 * measured the registry's latency prior applies (`latency_prior_ms`, per call), else 0.
 */
export class ExecuteTimeEstimate {
  readonly #averageMs = new Map<number, number>();

  constructor(private readonly priorMs: number) {}

  /** Records that a batch of `batchSize` items executed in `executeMs`. */
  record(batchSize: number, executeMs: number): void {
    const previous = this.#averageMs.get(batchSize);
    const next = previous === undefined ? executeMs : previous + SMOOTHING * (executeMs - previous);
    this.#averageMs.set(batchSize, next);
  }

  /** The expected execution time of a batch of `batchSize` items, ms. */
  expectedMs(batchSize: number): number {
    const exact = this.#averageMs.get(batchSize);
    if (exact !== undefined) return exact;
    let nearest: number | undefined;
    for (const size of this.#averageMs.keys()) {
      if (nearest === undefined || Math.abs(size - batchSize) < Math.abs(nearest - batchSize)) nearest = size;
    }
    return nearest === undefined ? Math.max(0, this.priorMs) : (this.#averageMs.get(nearest) ?? 0);
  }
}
