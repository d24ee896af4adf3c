export { MESSAGING_SYSTEM_NATS, SPAN_ATTRIBUTES } from './span-attributes.js';
export type { RunningTracing, TracingLogger, TracingOptions } from './start-tracing.js';
export { startTracing } from './start-tracing.js';
export {
  contextFromTraceparent,
  extractTraceContext,
  injectTraceContext,
  traceparentOf,
} from './trace-context.js';
export type { TracingEnvironment } from './tracing-environment.js';
