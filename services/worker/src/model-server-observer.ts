import type { BatchRecord } from '@switchboard/protocol';

/**
 * How a received job left the worker: answered with a result (`ok`) or an error (`error`), handed
 * back for another attempt (`retried`), answered UNAVAILABLE and dead-lettered once out of attempts
 * (`dead_lettered`), or answered DEADLINE_EXCEEDED without running (`expired`).
 */
export type JobDisposition = 'ok' | 'error' | 'retried' | 'dead_lettered' | 'expired';

/**
 * Watches a ModelServer from the outside, e.g. to keep Prometheus metrics. Called synchronously on
 * the batch path, so an implementation must be cheap and must not throw.
 */
export interface ModelServerObserver {
  /** A batch ran; `record` is the telemetry record published for it. */
  batchFinished(record: BatchRecord): void;
  /** One job of `model` was settled. */
  jobSettled(model: string, disposition: JobDisposition): void;
  /** A version of `model` was loaded and warmed up, which took `loadMs`. */
  modelLoaded(model: string, loadMs: number): void;
}
