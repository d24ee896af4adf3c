import type { RequestRecordInit } from './request-telemetry.js';
import type { Step } from './serve-plan.js';

/**
 * Watches ModelInfer calls from the outside, e.g. to keep Prometheus metrics. Called synchronously
 * on the request path, so an implementation must be cheap and must not throw.
 */
export interface RequestObserver {
  /** A ModelInfer call arrived. */
  requestStarted(): void;
  /**
   * The call ended (answered or failed); `record` is the telemetry record published for it and
   * `steps` the models tried, in order (empty when it failed before any was).
   */
  requestFinished(record: RequestRecordInit, steps: readonly Step[]): void;
}
