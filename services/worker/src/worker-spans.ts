import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import type { JsMsg } from '@nats-io/jetstream';
import type { Job } from '@switchboard/protocol';
import {
  MESSAGING_SYSTEM_NATS,
  SPAN_ATTRIBUTES,
  contextFromTraceparent,
  extractTraceContext,
} from '@switchboard/tracing';
import type { JobOutcome } from './execute-batch.js';
import type { HeldJob } from './held-job.js';

const tracer = trace.getTracer('@switchboard/worker');

/**
 * Starts the CONSUMER span `infer.<model> process` of one delivery of a job. Its parent is the
 * router's publish span, read from the message headers, or from `Job.traceparent` when the headers
 * carry none (a job published by something that only fills the field).
 */
export function startJobSpan(message: JsMsg, job: Job, workerId: string): Span {
  const fromHeaders = extractTraceContext(message.headers);
  const parent =
    trace.getSpanContext(fromHeaders) === undefined ? contextFromTraceparent(job.traceparent) : fromHeaders;
  return tracer.startSpan(
    `infer.${job.model} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [SPAN_ATTRIBUTES.messagingSystem]: MESSAGING_SYSTEM_NATS,
        [SPAN_ATTRIBUTES.messagingOperationType]: 'process',
        [SPAN_ATTRIBUTES.messagingOperationName]: 'process',
        [SPAN_ATTRIBUTES.messagingDestinationName]: message.subject,
        [SPAN_ATTRIBUTES.messagingConsumerGroupName]: message.info.consumer,
        [SPAN_ATTRIBUTES.messagingMessageId]: job.requestId,
        [SPAN_ATTRIBUTES.model]: job.model,
        [SPAN_ATTRIBUTES.requestId]: job.requestId,
        [SPAN_ATTRIBUTES.attempt]: message.info.deliveryCount,
        [SPAN_ATTRIBUTES.workerId]: workerId,
      },
    },
    parent,
  );
}

/** Ends a job's span once it is answered or handed back; `error` is the failure it was answered with. */
export function endJobSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : '' });
  }
  span.end();
}

/**
 * Starts the INTERNAL span `batch execute <model>`. A batch mixes jobs of several requests, so it
 * is a root span with a link to each job's span instead of a child of any one of them.
 */
export function startBatchSpan(model: string, workerId: string, batch: HeldJob[]): Span {
  return tracer.startSpan(`batch execute ${model}`, {
    kind: SpanKind.INTERNAL,
    root: true,
    links: batch.map((held) => ({ context: held.span.spanContext() })),
    attributes: {
      [SPAN_ATTRIBUTES.model]: model,
      [SPAN_ATTRIBUTES.workerId]: workerId,
      [SPAN_ATTRIBUTES.batchSize]: batch.length,
    },
  });
}

/**
 * Runs one admission of continuous batching (the prefill of the jobs joining the running batch) in
 * the INTERNAL span `batch admit <model>`, a root span linked to each joining job's span as a batch
 * span is. A failed admission marks the span with the error, which is thrown on.
 */
export async function traceAdmission<R>(
  model: string,
  workerId: string,
  batch: HeldJob[],
  admit: () => Promise<R>,
): Promise<R> {
  const span = tracer.startSpan(`batch admit ${model}`, {
    kind: SpanKind.INTERNAL,
    root: true,
    links: batch.map((held) => ({ context: held.span.spanContext() })),
    attributes: {
      [SPAN_ATTRIBUTES.model]: model,
      [SPAN_ATTRIBUTES.workerId]: workerId,
      [SPAN_ATTRIBUTES.batchSize]: batch.length,
    },
  });
  let result: R;
  try {
    result = await runInSpan(span, admit);
  } catch (error) {
    endJobSpan(span, error);
    throw error;
  }
  span.end();
  return result;
}

/** Records how many jobs of the batch failed and ends its span. */
export function endBatchSpan(span: Span, outcomes: JobOutcome[]): void {
  const failed = outcomes.filter((outcome) => 'error' in outcome).length;
  span.setAttribute(SPAN_ATTRIBUTES.failedJobs, failed);
  if (failed > 0)
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${failed} of ${outcomes.length} jobs failed` });
  span.end();
}

/**
 * Runs `run` with `span` active, so log lines written meanwhile carry its ids. Starts from the root
 * context: the batcher's timers and promise chains would otherwise carry another job's context in.
 */
export function runInSpan<T>(span: Span, run: () => T): T {
  return context.with(trace.setSpan(ROOT_CONTEXT, span), run);
}
