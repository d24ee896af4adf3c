/**
 * How one gRPC call ended, as the client saw it:
 * - `result`: the model's answer;
 * - `status`: a status the system chose, with its message (an error answer, e.g. a dead letter's UNAVAILABLE);
 * - `refusal`: RESOURCE_EXHAUSTED, or UNAVAILABLE carrying a retry hint: "not done, try again";
 * - `transport`: the call broke in transit (the router's connection dropped or was refused); no answer;
 * - `silent`: the client's own deadline passed with no answer at all: a hang.
 */
export type CallKind = 'result' | 'status' | 'refusal' | 'transport' | 'silent';

/** One call of a request (a request id may be sent again after a refusal or a broken call). */
export interface CallOutcome {
  readonly kind: CallKind;
  /** gRPC status code; 0 for a result. */
  readonly code: number;
  readonly message: string;
  /** Whether the status carried google.rpc.RetryInfo in grpc-status-details-bin. */
  readonly retryInfo: boolean;
  /** When the call was sent, ms on the client's monotonic clock. */
  readonly startedMs: number;
  readonly latencyMs: number;
}

/** Every call the client made for one request id, in order. */
export interface RequestHistory {
  readonly requestId: string;
  readonly calls: readonly CallOutcome[];
}
