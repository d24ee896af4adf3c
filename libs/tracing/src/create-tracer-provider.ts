import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** What a tracer provider is made of. */
export interface TracerProviderParts {
  serviceName: string;
  resourceAttributes: Record<string, string>;
  sampler: Sampler;
  spanProcessors: SpanProcessor[];
}

/** A NodeTracerProvider whose resource names the service. */
export function createTracerProvider(parts: TracerProviderParts): NodeTracerProvider {
  return new NodeTracerProvider({
    resource: resourceFromAttributes({ ...parts.resourceAttributes, 'service.name': parts.serviceName }),
    sampler: parts.sampler,
    spanProcessors: parts.spanProcessors,
  });
}

/**
 * Makes `provider` the process-wide tracer provider, with the W3C trace-context propagator and an
 * AsyncLocalStorage context manager (so the active span follows async calls).
 * @returns false, changing nothing, when another provider is already registered.
 */
export function registerGlobally(provider: NodeTracerProvider): boolean {
  if (!trace.setGlobalTracerProvider(provider)) return false;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return true;
}

/** Undoes {@link registerGlobally}, so a later start (the next test) can register again. */
export function unregisterGlobally(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}
