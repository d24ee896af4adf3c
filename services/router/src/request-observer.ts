import type { RequestRecordInit } from './request-telemetry.js';

/**
 * Watches ModelInfer calls from the outside, e.g. to keep Prometheus metrics. Called synchronously
 * on the request path, so an implementation must be cheap and must not throw.
 */
export interface RequestObserver {
  /** A ModelInfer call arrived. */
  requestStarted(): void;
  /** The call ended (answered or failed); `record` is the telemetry record published for it. */
  requestFinished(record: RequestRecordInit): void;
}
