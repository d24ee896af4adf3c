/**
 * Histogram buckets for request, queue and execution durations, in seconds. The request path takes
 * well under a millisecond on loopback and up to the 30 s default deadline under load, so the
 * buckets span 0.5 ms to 60 s; vLLM's latency buckets start at 0.3 s and would lump every fast
 * model into one bucket.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

/** Histogram buckets for batch sizes: powers of two up to 128; larger batches count only in `+Inf`. */
export const BATCH_SIZE_BUCKETS: readonly number[] = Object.freeze([1, 2, 4, 8, 16, 32, 64, 128]);
