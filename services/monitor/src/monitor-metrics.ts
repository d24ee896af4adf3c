import { Counter, Gauge } from '@switchboard/metrics';
import type { Registry } from '@switchboard/metrics';
import type { LoadSnapshot } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import type { WorkerPresence } from '@switchboard/worker-presence';
import { lastMinuteFirstSubWindow } from './select-window.js';
import type { TelemetryAggregator } from './telemetry-aggregator.js';

/** The two kinds of telemetry record, the values of the `kind` label. */
export type TelemetryRecordKind = 'request' | 'batch';

/** What the scrape-time gauges read. */
export interface MonitorMetricsSources {
  /** The registered models: latency is reported for these only, so the `model` label stays bounded. */
  readonly registry: RegistrySnapshot;
  readonly aggregator: TelemetryAggregator;
  readonly workers: WorkerPresence;
}

/** The monitor's Prometheus metrics, fed by the consumer and the load snapshot. */
export interface MonitorMetrics {
  /** Mirrors a published snapshot's queue depths; models missing from it stop being reported. */
  snapshotPublished(snapshot: LoadSnapshot): void;
  /** Counts one telemetry record applied for the first time. */
  recordApplied(kind: TelemetryRecordKind): void;
}

const MICROS_PER_SECOND = 1_000_000;
/** The `quantile` label values, as Prometheus summaries spell them, with the HDR percentile each reads. */
const QUANTILES = [
  { label: '0.5', percentile: 50 },
  { label: '0.95', percentile: 95 },
  { label: '0.99', percentile: 99 },
] as const;

/**
 * Registers the monitor's metrics on `registry`. Queue depths follow each load snapshot (the
 * JetStream consumer counters KEDA's scaler reads); live workers and latency percentiles are read
 * from the monitor's own state at scrape time. The router's and workers' counters are not
 * re-exported: Prometheus scrapes those at the source.
 */
export function createMonitorMetrics(registry: Registry, sources: MonitorMetricsSources): MonitorMetrics {
  const registers = [registry];
  const pending = new Gauge({
    name: 'switchboard_queue_pending_jobs',
    help: 'Jobs waiting in JetStream for a worker, all priorities.',
    labelNames: ['model'],
    registers,
  });
  const ackPending = new Gauge({
    name: 'switchboard_queue_ack_pending_jobs',
    help: 'Jobs delivered to workers and not yet acked, all priorities.',
    labelNames: ['model'],
    registers,
  });
  const records = new Counter({
    name: 'switchboard_telemetry_records_total',
    help: 'Telemetry records consumed, by kind: request or batch.',
    labelNames: ['kind'],
    registers,
  });
  // Both series exist from the start, so rate() reads 0 rather than nothing before the first record.
  for (const kind of ['request', 'batch'] satisfies TelemetryRecordKind[]) records.inc({ kind }, 0);
  registerWorkerGauge(registry, sources.workers);
  registerLatencyGauge(registry, sources);
  return {
    snapshotPublished(snapshot) {
      pending.reset();
      ackPending.reset();
      for (const load of snapshot.models) {
        pending.set({ model: load.model }, Number(load.pending));
        ackPending.set({ model: load.model }, Number(load.inFlight));
      }
    },
    recordApplied(kind) {
      records.inc({ kind });
    },
  };
}

function registerWorkerGauge(registry: Registry, workers: WorkerPresence): void {
  new Gauge({
    name: 'switchboard_workers',
    help: 'Live workers (heartbeat not missed 3 times), by state: ready or draining.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const counts = workers.countByState();
      this.set({ state: 'ready' }, counts.ready);
      this.set({ state: 'draining' }, counts.draining);
    },
  });
}

function registerLatencyGauge(registry: Registry, sources: MonitorMetricsSources): void {
  new Gauge({
    name: 'switchboard_model_latency_seconds',
    help: 'End-to-end latency percentiles over the last minute per registered model (HDR, from request telemetry).',
    labelNames: ['model', 'quantile'],
    registers: [registry],
    collect() {
      // Reset first so a model that went quiet or was deleted stops being reported.
      this.reset();
      const firstSubWindow = lastMinuteFirstSubWindow(Date.now());
      for (const { name: model } of sources.registry.listModels()) {
        const latency = sources.aggregator.recentLatency(model, firstSubWindow);
        if (latency === undefined) continue;
        for (const { label, percentile } of QUANTILES)
          this.set({ model, quantile: label }, latency.percentileUs(percentile) / MICROS_PER_SECOND);
      }
    },
  });
}
