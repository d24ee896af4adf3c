import { Counter, DURATION_BUCKETS_SECONDS, Gauge, Histogram } from '@switchboard/metrics';
import type { Registry } from '@switchboard/metrics';
import type { IgnoredReason } from './read-records.js';

/** The streams the optimizer reads, the values of the `stream` label. */
export type RecordStream = 'feedback' | 'decisions';

/** What became of a record: the values of the `outcome` label. */
export type RecordOutcome = 'stored' | 'duplicate' | 'undecodable' | IgnoredReason;

/** The optimizer's Prometheus metrics. Route and model labels are registry names only. */
export interface OptimizerMetrics {
  /** Counts records read from a stream by what became of them. */
  recordsRead(stream: RecordStream, outcome: RecordOutcome, count: number): void;
  /** Counts a published policy and shows its version. */
  policyPublished(route: string, version: bigint): void;
  /** Shows a route's live version restored at start. */
  policyRestored(route: string, version: bigint): void;
  /** Counts a candidate the off-policy check refused. */
  policyRefused(route: string): void;
  /** Observes how long one refit's training took. */
  trainingFinished(seconds: number): void;
  /** Counts a batching knob published for a registry model. */
  batchingKnobPublished(model: string): void;
}

const RECORD_OUTCOMES: readonly RecordOutcome[] = [
  'stored',
  'duplicate',
  'undecodable',
  'unknown_route',
  'unknown_model',
  'invalid',
];

/** Registers the optimizer's metrics on `registry`. */
export function createOptimizerMetrics(registry: Registry): OptimizerMetrics {
  const registers = [registry];
  const records = new Counter({
    name: 'switchboard_optimizer_records_total',
    help: 'Feedback and decision records read, by stream and outcome (stored, duplicate, undecodable, unknown_route, unknown_model, invalid).',
    labelNames: ['stream', 'outcome'],
    registers,
  });
  // Every series exists from the start, so rate() reads 0 rather than nothing before the first record.
  for (const stream of ['feedback', 'decisions'] satisfies RecordStream[])
    for (const outcome of RECORD_OUTCOMES) records.inc({ stream, outcome }, 0);
  const published = new Counter({
    name: 'switchboard_optimizer_policies_published_total',
    help: 'Learned policies published, by route.',
    labelNames: ['route'],
    registers,
  });
  const refusals = new Counter({
    name: 'switchboard_optimizer_policy_refusals_total',
    help: 'Candidate policies refused because the off-policy estimate found them worse than the live one, by route.',
    labelNames: ['route'],
    registers,
  });
  const version = new Gauge({
    name: 'switchboard_optimizer_policy_version',
    help: 'Version of the live learned policy, by route.',
    labelNames: ['route'],
    registers,
  });
  const training = new Histogram({
    name: 'switchboard_optimizer_training_duration_seconds',
    help: 'Time one refit spent training a route’s predictors.',
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers,
  });
  const knobs = new Counter({
    name: 'switchboard_optimizer_batching_knobs_published_total',
    help: 'Batching knobs (max queue delay) published to KV policy, by model.',
    labelNames: ['model'],
    registers,
  });
  return {
    recordsRead(stream, outcome, count) {
      if (count > 0) records.inc({ stream, outcome }, count);
    },
    policyPublished(route, live) {
      published.inc({ route });
      version.set({ route }, Number(live));
    },
    policyRestored(route, live) {
      version.set({ route }, Number(live));
    },
    policyRefused(route) {
      refusals.inc({ route });
    },
    trainingFinished(seconds) {
      training.observe(seconds);
    },
    batchingKnobPublished(model) {
      knobs.inc({ model });
    },
  };
}
