import { AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createTracerProvider, registerGlobally, unregisterGlobally } from '../create-tracer-provider.js';

/** Tracing for tests: every span is recorded and kept in memory as soon as it ends. */
export interface InMemoryTracing {
  /** Holds every finished span; `getFinishedSpans()` reads them, `reset()` forgets them. */
  readonly exporter: InMemorySpanExporter;
  readonly provider: NodeTracerProvider;
  /** Unregisters, so the next test can start its own. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Registers a process-wide tracer provider that samples every span and exports it synchronously to
 * an in-memory exporter, with the same propagator and context manager as startTracing.
 * @throws Error when a tracer provider is already registered in this process.
 */
export function startInMemoryTracing(serviceName = 'test'): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = createTracerProvider({
    serviceName,
    resourceAttributes: {},
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  if (!registerGlobally(provider)) {
    throw new Error('a tracer provider is already registered; shut the previous one down first');
  }
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await provider.shutdown();
    unregisterGlobally();
  };
  return { exporter, provider, shutdown: () => (stopping ??= stop()) };
}
