import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ResolvedTracingSettings } from './read-tracing-settings.js';

/**
 * One processor per configured exporter: OTLP batches in the background (queue and delay from the
 * OTEL_BSP_* variables); console writes each span as it ends, which is only fit for debugging.
 */
export function createSpanProcessors(settings: ResolvedTracingSettings): SpanProcessor[] {
  return settings.exporters.map((exporter) => {
    switch (exporter) {
      case 'otlp':
        return new BatchSpanProcessor(
          new OTLPTraceExporter({
            url: settings.otlp.url,
            headers: settings.otlp.headers,
            timeoutMillis: settings.otlp.timeoutMs,
          }),
        );
      case 'console':
        return new SimpleSpanProcessor(new ConsoleSpanExporter());
    }
  });
}
