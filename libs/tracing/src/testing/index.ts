export type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
export type { InMemoryTracing } from './start-in-memory-tracing.js';
export { startInMemoryTracing } from './start-in-memory-tracing.js';
