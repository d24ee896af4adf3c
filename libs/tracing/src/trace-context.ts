import { ROOT_CONTEXT, context as activeContext } from '@opentelemetry/api';
import type { Context, TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { TRACE_PARENT_HEADER, W3CTraceContextPropagator } from '@opentelemetry/core';
import { Match } from '@nats-io/transport-node';
import type { MsgHdrs } from '@nats-io/transport-node';

/**
 * These helpers use their own W3C propagator rather than the global one, so a job carries the
 * trace context whether or not startTracing registered a propagator in this process.
 */
const propagator = new W3CTraceContextPropagator();

const headerSetter: TextMapSetter<MsgHdrs> = {
  set: (headers, key, value) => headers.set(key, value),
};

// NATS headers keep the case they were written with; other producers may send `Traceparent`.
const headerGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (headers) => headers?.keys() ?? [],
  get: (headers, key) =>
    headers?.has(key, Match.IgnoreCase) === true ? headers.get(key, Match.IgnoreCase) : undefined,
};

const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const recordGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/**
 * Writes the span context of `context` (the active context by default) into NATS message headers as
 * W3C `traceparent` / `tracestate`. Writes nothing when the context holds no valid span.
 * @returns the same headers, for chaining into a publish call.
 */
export function injectTraceContext(headers: MsgHdrs, context: Context = activeContext.active()): MsgHdrs {
  propagator.inject(context, headers, headerSetter);
  return headers;
}

/**
 * Reads a W3C trace context from NATS message headers (header names in any case).
 * @param base the context to add the remote span context to. @default ROOT_CONTEXT, so a consumed
 * message's trace never mixes with whatever happened to be active when it arrived.
 * @returns `base` with the remote span context, or `base` unchanged when the headers carry none or
 * a malformed one.
 */
export function extractTraceContext(headers: MsgHdrs | undefined, base: Context = ROOT_CONTEXT): Context {
  return propagator.extract(base, headers, headerGetter);
}

/**
 * The W3C `traceparent` of the span in `context` (the active context by default), e.g.
 * `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`; '' when it holds no valid span.
 */
export function traceparentOf(context: Context = activeContext.active()): string {
  const carrier: Record<string, string> = {};
  propagator.inject(context, carrier, recordSetter);
  return carrier[TRACE_PARENT_HEADER] ?? '';
}

/**
 * The inverse of {@link traceparentOf}: `base` (default ROOT_CONTEXT) with the remote span context
 * that `traceparent` names, or `base` unchanged for '' or a malformed value.
 */
export function contextFromTraceparent(traceparent: string, base: Context = ROOT_CONTEXT): Context {
  if (traceparent === '') return base;
  return propagator.extract(base, { [TRACE_PARENT_HEADER]: traceparent }, recordGetter);
}
