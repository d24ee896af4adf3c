import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { headers as createHeaders } from '@nats-io/transport-node';
import type { MsgHdrs } from '@nats-io/transport-node';
import {
  MESSAGING_SYSTEM_NATS,
  SPAN_ATTRIBUTES,
  injectTraceContext,
  traceparentOf,
} from '@switchboard/tracing';

const tracer = trace.getTracer('@switchboard/router');

/** The PRODUCER span of one job and the trace context to send with the job. */
export interface PublishSpan {
  readonly span: Span;
  /** NATS headers carrying the span's `traceparent`; JetStream adds Nats-Msg-Id to them. */
  readonly headers: MsgHdrs;
  /** The same context for `Job.traceparent`, for consumers that do not read headers. */
  readonly traceparent: string;
}

/**
 * Starts the PRODUCER span `infer.<model> publish`, a child of the active (ModelInfer) span. The
 * worker's process span becomes its child through the injected context.
 */
export function startPublishSpan(job: { model: string; requestId: string }, subject: string): PublishSpan {
  const span = tracer.startSpan(`infer.${job.model} publish`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      [SPAN_ATTRIBUTES.messagingSystem]: MESSAGING_SYSTEM_NATS,
      [SPAN_ATTRIBUTES.messagingOperationType]: 'send',
      [SPAN_ATTRIBUTES.messagingOperationName]: 'publish',
      [SPAN_ATTRIBUTES.messagingDestinationName]: subject,
      [SPAN_ATTRIBUTES.messagingMessageId]: job.requestId,
      [SPAN_ATTRIBUTES.model]: job.model,
      [SPAN_ATTRIBUTES.requestId]: job.requestId,
    },
  });
  const spanContext = trace.setSpan(context.active(), span);
  return {
    span,
    headers: injectTraceContext(createHeaders(), spanContext),
    traceparent: traceparentOf(spanContext),
  };
}

/** Ends the publish span; `error` (JetStream refused or timed out) marks it failed. */
export function endPublishSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'JetStream did not accept the job' });
  }
  span.end();
}
