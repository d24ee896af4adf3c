import { trace } from '@opentelemetry/api';

type TraceFields = { trace_id: string; span_id: string; trace_flags: string } | Record<string, never>;

/**
 * The active span's ids as log fields, named as in OpenTelemetry's log data model (`trace_id`,
 * `span_id`, `trace_flags`) so log backends link lines to traces. Used as pino's `mixin`, which runs
 * for every line written. Always a fresh object: pino merges the line's fields into it.
 */
export function activeTraceFields(): TraceFields {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: spanContext.traceFlags.toString(16).padStart(2, '0'),
  };
}
