import type { JsMsg } from '@nats-io/jetstream';
import type { Span } from '@opentelemetry/api';
import type { Job, ModelInferRequest } from '@switchboard/protocol';

/** A job a worker has received and not yet answered: the decoded Job and request, and the message to ack. */
export interface HeldJob {
  job: Job;
  /** The client's request the job carries, decoded once on receipt. */
  request: ModelInferRequest;
  /** What the request costs a batch (see countInputUnits). */
  inputUnits: number;
  message: JsMsg;
  /** Priority level index: 0 for the highest priority. */
  level: number;
  /** Wall clock time the worker received it, in Unix milliseconds. */
  receivedAtMs: number;
  /** 1 for the first delivery. */
  attempt: number;
  /** This delivery's `infer.<model> process` span, ended when the job is answered or handed back. */
  span: Span;
}
