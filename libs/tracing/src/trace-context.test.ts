import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import type { Context, SpanContext } from '@opentelemetry/api';
import { headers } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import {
  contextFromTraceparent,
  extractTraceContext,
  injectTraceContext,
  traceparentOf,
} from './trace-context.js';

const SPAN_CONTEXT: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function contextWith(spanContext: SpanContext): Context {
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

describe('injectTraceContext and extractTraceContext', () => {
  it('carry a span context through NATS message headers as a W3C traceparent', () => {
    const messageHeaders = injectTraceContext(headers(), contextWith(SPAN_CONTEXT));

    expect(messageHeaders.get('traceparent')).toBe(TRACEPARENT);
    expect(trace.getSpanContext(extractTraceContext(messageHeaders))).toEqual({
      ...SPAN_CONTEXT,
      isRemote: true,
    });
  });

  it('carry tracestate along with traceparent', () => {
    const incoming = headers();
    incoming.set('traceparent', TRACEPARENT);
    incoming.set('tracestate', 'vendor=value');
    const outgoing = injectTraceContext(headers(), extractTraceContext(incoming));

    expect(outgoing.get('traceparent')).toBe(TRACEPARENT);
    expect(outgoing.get('tracestate')).toBe('vendor=value');
  });

  it('reads a traceparent header another producer wrote in a different letter case', () => {
    const messageHeaders = headers();
    messageHeaders.set('Traceparent', TRACEPARENT);

    expect(trace.getSpanContext(extractTraceContext(messageHeaders))?.spanId).toBe(SPAN_CONTEXT.spanId);
  });

  it('writes nothing for a context without a span', () => {
    expect(injectTraceContext(headers(), ROOT_CONTEXT).keys()).toEqual([]);
  });

  it('leaves the context without a span when the headers are missing, empty or malformed', () => {
    const malformed = headers();
    malformed.set('traceparent', '00-not-a-trace-01');

    expect(trace.getSpanContext(extractTraceContext(undefined))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext(headers()))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext(malformed))).toBeUndefined();
  });
});

describe('traceparentOf and contextFromTraceparent', () => {
  it('turn a span context into a traceparent string and back', () => {
    const traceparent = traceparentOf(contextWith(SPAN_CONTEXT));

    expect(traceparent).toBe(TRACEPARENT);
    expect(trace.getSpanContext(contextFromTraceparent(traceparent))).toEqual({
      ...SPAN_CONTEXT,
      isRemote: true,
    });
  });

  it('give an empty traceparent for a context without a span, and no span for an empty or malformed one', () => {
    expect(traceparentOf(ROOT_CONTEXT)).toBe('');
    expect(trace.getSpanContext(contextFromTraceparent(''))).toBeUndefined();
    expect(trace.getSpanContext(contextFromTraceparent('01-zz-zz-zz'))).toBeUndefined();
  });
});
