import { linearRegression, mean } from 'simple-statistics';

/** How many batches per model the fit keeps. */
export interface ReplicaCapacityOptions {
  /** Newest batches per model the fit uses. @default 256 */
  windowSize?: number;
}

const DEFAULT_WINDOW_SIZE = 256;

/**
 * Requests per second one replica of a model serves, from the batches its workers report: execute
 * time is fitted as a + b × batch size (least squares over the newest `windowSize` batches of the
 * model), and a replica running batches of the model's max batch size back to back serves
 * maxBatchSize ÷ (a + b × maxBatchSize). Which models are kept is the caller's choice (`retain`);
 * memory per model is bounded by the window.
 */
export class ReplicaCapacity {
  readonly #batches = new Map<string, [size: number, executeUs: number][]>();
  readonly #windowSize: number;

  constructor(options: ReplicaCapacityOptions = {}) {
    this.#windowSize = Math.max(1, options.windowSize ?? DEFAULT_WINDOW_SIZE);
  }

  /** Takes one executed batch: its size and how long it ran, µs. Non-positive values are ignored. */
  observe(model: string, batchSize: number, executeUs: number): void {
    if (!(batchSize > 0) || !(executeUs > 0) || !Number.isFinite(executeUs)) return;
    let batches = this.#batches.get(model);
    if (batches === undefined) this.#batches.set(model, (batches = []));
    batches.push([batchSize, executeUs]);
    if (batches.length > this.#windowSize) batches.shift();
  }

  /**
   * Requests per second of one replica at batches of `maxBatchSize`. Before any batch of the model
   * is seen, one request per `fallbackServiceMs` (the model's prior service time, unbatched).
   * With one batch size seen so far nothing tells how time grows with size, so the throughput
   * measured at that size stands (rather than a guess at the max batch size).
   * @throws RangeError when no batch is known and fallbackServiceMs is not positive.
   */
  perReplica(model: string, maxBatchSize: number, fallbackServiceMs: number): number {
    const batches = this.#batches.get(model);
    if (batches === undefined || batches.length === 0) {
      if (!(fallbackServiceMs > 0))
        throw new RangeError(`fallbackServiceMs must be positive, got ${fallbackServiceMs}`);
      return 1_000 / fallbackServiceMs;
    }
    const size = Math.max(1, maxBatchSize);
    const sizes = new Set(batches.map(([batchSize]) => batchSize));
    if (sizes.size === 1) {
      const [only] = sizes;
      return only! / (mean(batches.map(([, executeUs]) => executeUs)) / 1e6);
    }
    const { m: perItemUs, b: fixedUs } = linearRegression(batches);
    // A noisy fit can slope down or cross zero; no batch runs faster than the fastest measured.
    const fastestUs = Math.min(...batches.map(([, executeUs]) => executeUs));
    const executeUs = Math.max(fixedUs + Math.max(0, perItemUs) * size, fastestUs);
    return size / (executeUs / 1e6);
  }

  /** Forgets the models not in `models` (no longer registered). */
  retain(models: ReadonlySet<string>): void {
    for (const model of [...this.#batches.keys()]) if (!models.has(model)) this.#batches.delete(model);
  }
}
