import {
  BATCH_SIZE_BUCKETS,
  Counter,
  DURATION_BUCKETS_SECONDS,
  Gauge,
  Histogram,
} from '@switchboard/metrics';
import type { Registry } from '@switchboard/metrics';
import type { BatchRecord } from '@switchboard/protocol';
import { BusyWindow } from './busy-window.js';
import type { JobDisposition, ModelServerObserver } from './model-server-observer.js';

/** What the worker holds for one loaded model, read at scrape time. */
export interface HostedModelState {
  readonly model: string;
  readonly footprintBytes: number;
  /** Jobs received and not yet settled. */
  readonly inFlight: number;
  /** How long its batches may wait for more jobs, ms; 0 without batching. */
  readonly maxQueueDelayMs: number;
}

const MICROS_PER_SECOND = 1_000_000;
/** Cold starts run from milliseconds (a small onnx file) to minutes (large weights). */
const PADDING_WASTE_BUCKETS = [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
const LOAD_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The worker's batch and job metric families, registered on `registry`. */
function createInstruments(registry: Registry) {
  const registers = [registry];
  const perModelCounter = (name: string, help: string, labelNames = ['model']) =>
    new Counter({ name, help, labelNames, registers });
  const perModelHistogram = (name: string, help: string, buckets: readonly number[]) =>
    new Histogram({ name, help, labelNames: ['model'], buckets: [...buckets], registers });
  return {
    batches: perModelCounter(
      'switchboard_worker_batches_total',
      'Batches executed (runtime calls), failed ones included.',
    ),
    batchSize: perModelHistogram(
      'switchboard_worker_batch_size',
      'Jobs per executed batch.',
      BATCH_SIZE_BUCKETS,
    ),
    execute: perModelHistogram(
      'switchboard_worker_batch_execute_duration_seconds',
      'Runtime execution time of one batch.',
      DURATION_BUCKETS_SECONDS,
    ),
    paddingWaste: perModelHistogram(
      'switchboard_worker_batch_padding_waste_ratio',
      "Share of a batch's padded input that is padding: 1 - input units / (jobs x largest job's units).",
      PADDING_WASTE_BUCKETS,
    ),
    inputUnits: perModelCounter(
      'switchboard_worker_batch_input_units_total',
      "Input units of executed batches' jobs (elements of numeric inputs, ~tokens of text).",
    ),
    busy: perModelCounter(
      'switchboard_worker_busy_seconds_total',
      'Time spent executing batches; rate() of it is the utilisation.',
    ),
    jobs: perModelCounter(
      'switchboard_worker_jobs_total',
      'Jobs settled, by outcome: ok, error, retried, dead_lettered or expired.',
      ['model', 'outcome'],
    ),
    // Observed only for versions that loaded, so the model label stays within the registry's names.
    load: perModelHistogram(
      'switchboard_worker_model_load_seconds',
      'Cold start of a model version: load plus warm-up inference.',
      LOAD_BUCKETS_SECONDS,
    ),
  };
}

/**
 * Registers the worker's batch and job metrics on `registry` and returns the observer the model
 * servers report to. Batch counts and timings follow Triton's `nv_inference_exec_count` and
 * `nv_inference_compute_infer_duration_us`; the gauges are read from `hosted()` at scrape time so
 * unloaded models drop out.
 */
export function createWorkerMetrics(
  registry: Registry,
  hosted: () => HostedModelState[],
): ModelServerObserver {
  const { batches, batchSize, paddingWaste, inputUnits, execute, busy, jobs, load } =
    createInstruments(registry);
  const windows = new Map<string, BusyWindow>();
  registerHostedGauges(registry, hosted, windows);
  return {
    batchFinished(record: BatchRecord) {
      const labels = { model: record.model };
      const seconds = Number(record.executeUs) / MICROS_PER_SECOND;
      batches.inc(labels);
      batchSize.observe(labels, record.size);
      paddingWaste.observe(labels, record.paddingWaste);
      inputUnits.inc(labels, Number(record.inputUnits));
      execute.observe(labels, seconds);
      busy.inc(labels, seconds);
      const window = windows.get(record.model) ?? new BusyWindow();
      windows.set(record.model, window);
      window.add(Number(record.atUnixMs), seconds * 1000);
    },
    jobSettled(model: string, disposition: JobDisposition) {
      jobs.inc({ model, outcome: disposition });
    },
    modelLoaded(model: string, loadMs: number) {
      load.observe({ model }, loadMs / 1000);
    },
  };
}

/** Gauges computed from the models loaded right now. */
function registerHostedGauges(
  registry: Registry,
  hosted: () => HostedModelState[],
  windows: Map<string, BusyWindow>,
): void {
  const perModel = (name: string, help: string, read: (state: HostedModelState) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['model'],
      registers: [registry],
      collect() {
        // Reset first so a model unloaded since the last scrape stops being reported.
        this.reset();
        for (const state of hosted()) this.set({ model: state.model }, read(state));
      },
    });
  perModel(
    'switchboard_worker_utilisation_ratio',
    'Busy fraction of the last 10 s.',
    (state) => windows.get(state.model)?.ratio(Date.now()) ?? 0,
  );
  perModel(
    'switchboard_worker_model_memory_bytes',
    'Memory the loaded model holds.',
    (state) => state.footprintBytes,
  );
  perModel('switchboard_worker_jobs_held', 'Jobs received and not yet settled.', (state) => state.inFlight);
  perModel(
    'switchboard_worker_max_queue_delay_seconds',
    "How long a batch may wait for more jobs: the batching knob's delay, else the registry's; 0 without batching.",
    (state) => state.maxQueueDelayMs / 1000,
  );
}
