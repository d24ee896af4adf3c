import type { IncomingHttpHeaders } from 'node:http';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';

const tracer = trace.getTracer('@switchboard/router/http');

/**
 * Runs `run` inside a SERVER span named `<METHOD> <template>` (OpenTelemetry's HTTP convention: the
 * route template, never the path) that continues the caller's W3C `traceparent` header.
 */
export function runInHttpSpan<T>(
  method: string,
  template: string,
  headers: IncomingHttpHeaders,
  run: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(context.active(), headers);
  const span = tracer.startSpan(
    `${method} ${template}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': template } },
    parent,
  );
  return context.with(trace.setSpan(parent, span), run, undefined, span);
}

/** Records the answer's status (5xx marks the span an error, as the HTTP convention says) and ends it. */
export function endHttpSpan(span: Span, status: number, error?: unknown): void {
  span.setAttribute('http.response.status_code', status);
  if (error !== undefined && status >= 500) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
