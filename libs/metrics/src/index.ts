export { BATCH_SIZE_BUCKETS, DURATION_BUCKETS_SECONDS } from './buckets.js';
export { createMetricsRegistry } from './create-metrics-registry.js';
export type { MetricsServerOptions, RunningMetricsServer } from './start-metrics-server.js';
export { startMetricsServer } from './start-metrics-server.js';
// Re-exported so services build their metrics on the same prom-client copy as the registry.
export type { Registry } from 'prom-client';
export { Counter, Gauge, Histogram } from 'prom-client';
