import { DiagLogLevel, diag, trace } from '@opentelemetry/api';
import type { DiagLogFunction, Tracer } from '@opentelemetry/api';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createSampler } from './create-sampler.js';
import { createSpanProcessors } from './create-span-processors.js';
import { createTracerProvider, registerGlobally, unregisterGlobally } from './create-tracer-provider.js';
import { readTracingSettings } from './read-tracing-settings.js';
import type { TracingEnvironment } from './tracing-environment.js';

/** Where tracing reports its problems; a pino logger fits. */
export interface TracingLogger {
  warn(details: object, message: string): void;
}

/** Options for {@link startTracing}. */
export interface TracingOptions {
  /** service.name of every span, unless OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) is set. */
  serviceName: string;
  /** The OTEL_* variables, collected by the service's config.ts (see ServiceConfig.otelEnvironment in @switchboard/config). */
  environment: TracingEnvironment;
  /** Receives configuration warnings and OpenTelemetry's own errors, such as failed exports. @default none */
  logger?: TracingLogger;
}

/** Process-wide tracing, started by a service's main.ts. */
export interface RunningTracing {
  /** A tracer named after the service; a no-op one when tracing could not start. */
  readonly tracer: Tracer;
  /** Exports the spans still buffered, then unregisters. Never throws; idempotent. */
  shutdown(): Promise<void>;
}

const noopShutdown = async (): Promise<void> => undefined;

/** Routes OpenTelemetry's internal errors and warnings (e.g. an unreachable collector) to the logger. */
function forwardDiagnostics(logger: TracingLogger | undefined): void {
  if (logger === undefined) return;
  const warn: DiagLogFunction = (message) => logger.warn({ component: 'opentelemetry' }, message);
  const ignore: DiagLogFunction = () => undefined;
  diag.setLogger(
    { error: warn, warn, info: ignore, debug: ignore, verbose: ignore },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}

async function shutdownProvider(
  provider: NodeTracerProvider,
  logger: TracingLogger | undefined,
): Promise<void> {
  try {
    await provider.shutdown();
  } catch (error) {
    // A collector that is down at exit must not fail the service's stop (ECONNREFUSED otherwise).
    logger?.warn({ err: error }, 'tracing shutdown could not export every span');
  } finally {
    unregisterGlobally();
    diag.disable();
  }
}

function startProvider(options: TracingOptions, warnings: string[]): RunningTracing {
  const settings = readTracingSettings(options.environment, options.serviceName, warnings);
  // Without an exporter nothing is registered at all, not even the context manager: on Node 20 an
  // active AsyncLocalStorage taxes every promise in the process (measured in the README).
  if (settings.disabled || settings.exporters.length === 0) {
    return { tracer: trace.getTracer(options.serviceName), shutdown: noopShutdown };
  }
  const provider = createTracerProvider({
    serviceName: settings.serviceName,
    resourceAttributes: settings.resourceAttributes,
    sampler: createSampler(settings),
    spanProcessors: createSpanProcessors(settings),
  });
  if (!registerGlobally(provider)) {
    warnings.push('a tracer provider is already registered in this process; keeping it');
    return { tracer: trace.getTracer(options.serviceName), shutdown: noopShutdown };
  }
  forwardDiagnostics(options.logger);
  let stopping: Promise<void> | undefined;
  return {
    tracer: trace.getTracer(options.serviceName),
    shutdown: () => (stopping ??= shutdownProvider(provider, options.logger)),
  };
}

/**
 * Starts process-wide tracing from the standard OTEL_* variables: a NodeTracerProvider with the
 * W3C trace-context propagator and an AsyncLocalStorage context manager. OTEL_TRACES_EXPORTER
 * picks `otlp` (OTLP/HTTP) and/or `console`; with `none` (the default) or OTEL_SDK_DISABLED=true
 * nothing is registered, so spans are no-ops and cost next to nothing. OTEL_TRACES_SAMPLER(_ARG)
 * picks the sampler.
 *
 * Never throws: telemetry must not crash its host, so bad values are reported to `logger` and
 * replaced by defaults, and a failure to start leaves the process without tracing.
 */
export function startTracing(options: TracingOptions): RunningTracing {
  const warnings: string[] = [];
  try {
    return startProvider(options, warnings);
  } catch (error) {
    options.logger?.warn({ err: error }, 'tracing could not start; continuing without it');
    return { tracer: trace.getTracer(options.serviceName), shutdown: noopShutdown };
  } finally {
    for (const warning of warnings) options.logger?.warn({ component: 'tracing' }, warning);
  }
}
