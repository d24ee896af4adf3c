import type { JsMsg } from '@nats-io/jetstream';
import type { Logger } from '@switchboard/logging';
import type { BatchingTuner } from './batching-tuner.js';
import { insertDecisions } from './decision-store.js';
import type { Observation } from './observation.js';
import { insertObservations } from './observation-store.js';
import type { Database } from './open-database.js';
import type { OptimizerMetrics, RecordOutcome, RecordStream } from './optimizer-metrics.js';
import { readDecisionRecord, readFeedbackRecord } from './read-records.js';
import type { DecisionRow } from './read-records.js';
import type { RouteCatalog } from './route-catalog.js';
import type { RouteLearners } from './route-learners.js';

/** What the stream handlers write to and tell. */
export interface IntakeDependencies {
  readonly database: Database;
  readonly catalog: RouteCatalog;
  readonly learners: RouteLearners;
  /** Told every decision, for the latencies of batching models. */
  readonly batching: BatchingTuner;
  readonly metrics: OptimizerMetrics;
  /** Routes written to since the last pruning. */
  readonly touchedRoutes: Set<string>;
  readonly logger: Logger;
}

/** KV writes carry no operation header; deletes and purges say DEL or PURGE. */
const KV_OPERATION_HEADER = 'KV-Operation';

/**
 * Handles a batch of FEEDBACK records: stores each as a feedback observation (a repeat of a stored
 * one is dropped by Postgres), then lets the route's learner learn the new ones online.
 */
export function createFeedbackHandler(dependencies: IntakeDependencies) {
  return async (messages: readonly JsMsg[]): Promise<void> => {
    const tally = new Tally();
    const observations: Observation[] = [];
    for (const message of messages) {
      const reading = decode(message, dependencies.logger, () =>
        readFeedbackRecord(message.data, timestampOf(message), dependencies.catalog),
      );
      if (reading === undefined) tally.add('undecodable');
      else if ('ignored' in reading) tally.add(reading.ignored);
      else observations.push(reading.observation);
    }
    await storeObservations(dependencies, observations, tally);
    tally.report(dependencies.metrics, 'feedback');
  };
}

/**
 * Handles a batch of the decisions bucket's stream: stores each decision (for SLO-miss rates, costs
 * and decision shares) and its confidence or cascade signal as an observation, and hands the
 * decisions to the batching tuner.
 * @param subjectPrefix `$KV.<bucket>.`: the rest of the subject is the decision key.
 */
export function createDecisionHandler(dependencies: IntakeDependencies, subjectPrefix: string) {
  return async (messages: readonly JsMsg[]): Promise<void> => {
    const tally = new Tally();
    const decisions: DecisionRow[] = [];
    const observations: Observation[] = [];
    for (const message of messages) {
      if (message.headers?.get(KV_OPERATION_HEADER)) continue; // a delete or purge: nothing to learn
      const key = message.subject.slice(subjectPrefix.length);
      const reading = decode(message, dependencies.logger, () =>
        readDecisionRecord(key, message.data, timestampOf(message), dependencies.catalog),
      );
      if (reading === undefined) tally.add('undecodable');
      else if ('ignored' in reading) tally.add(reading.ignored);
      else {
        if (reading.decision !== undefined) decisions.push(reading.decision);
        observations.push(...reading.observations);
      }
    }
    const stored = await insertDecisions(dependencies.database, decisions);
    dependencies.batching.observe(decisions);
    for (const decision of decisions) dependencies.touchedRoutes.add(decision.route);
    tally.add('stored', stored);
    tally.add('duplicate', decisions.length - stored);
    await storeObservations(dependencies, observations, new Tally());
    tally.report(dependencies.metrics, 'decisions');
  };
}

async function storeObservations(
  { database, learners, touchedRoutes }: IntakeDependencies,
  observations: readonly Observation[],
  tally: Tally,
): Promise<void> {
  const stored = await insertObservations(database, observations);
  for (const observation of stored) touchedRoutes.add(observation.route);
  tally.add('stored', stored.length);
  tally.add('duplicate', observations.length - stored.length);
  learners.observe(stored);
}

/** Reads a record; one that cannot be decoded is logged and skipped so it cannot block the stream. */
function decode<T>(message: JsMsg, logger: Logger, read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    logger.warn(
      { err: error, subject: message.subject, sequence: message.seq },
      'skipping an undecodable record',
    );
    return undefined;
  }
}

function timestampOf(message: JsMsg): number {
  return Number(message.timestampNanos / 1_000_000n);
}

/** Counts a batch's records by outcome, reported once. */
class Tally {
  readonly #counts = new Map<RecordOutcome, number>();

  add(outcome: RecordOutcome, count = 1): void {
    this.#counts.set(outcome, (this.#counts.get(outcome) ?? 0) + count);
  }

  report(metrics: OptimizerMetrics, stream: RecordStream): void {
    for (const [outcome, count] of this.#counts) metrics.recordsRead(stream, outcome, count);
  }
}
