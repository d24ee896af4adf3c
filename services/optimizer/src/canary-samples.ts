import type { FeedbackRecord, RequestRecord } from '@switchboard/protocol';
import { servingKey } from './canary-arms.js';
import type { CanaryArm } from './canary-arms.js';
import type { ArmSide, CanaryMetricName, CanarySamples } from './canary-evidence.js';

/** A canary (by key) and the side of it a served (route, model, version) is. */
export interface WatchEntry {
  readonly key: string;
  readonly side: ArmSide;
}

/** Where a served (route, model, version) counts: which canaries, on which side. */
export type WatchIndex = ReadonlyMap<string, readonly WatchEntry[]>;

/** Samples of one batch of records, per canary key, side and metric. */
export type SampleBatch = Map<string, CanarySamples>;

/** Indexes watched canaries (by key) by the (route, model, version) of each of their arms. */
export function createWatchIndex(canaries: ReadonlyMap<string, CanaryArm>): WatchIndex {
  const index = new Map<string, WatchEntry[]>();
  const add = (served: string, entry: WatchEntry) => index.set(served, [...(index.get(served) ?? []), entry]);
  for (const [key, arm] of canaries) {
    add(servingKey(arm.route, arm.armModel, arm.armVersion), { key, side: 'canary' });
    add(servingKey(arm.route, arm.candidate, arm.stableVersion), { key, side: 'stable' });
  }
  return index;
}

function push(batch: SampleBatch, entries: readonly WatchEntry[], metric: CanaryMetricName, value: number) {
  for (const { key, side } of entries) {
    let samples = batch.get(key);
    if (samples === undefined) {
      const empty = () => ({ latency: [], error_rate: [], quality: [] });
      samples = { canary: empty(), stable: empty() };
      batch.set(key, samples);
    }
    samples[side][metric].push(value);
  }
}

/**
 * Adds what a request record says about watched arms: per attempt on an arm, an error sample (1
 * when it failed); and when the request was answered by its only attempt, the log of its latency in
 * milliseconds — a fallback's or a cascade's latency is not one model's. Shadow copies do not count.
 *
 * The latency leaves out the time the job waited in the worker for its batch to fill: that wait
 * depends on the arm's share of traffic, not on its model — a 30% arm filled its batches more
 * slowly and measured 9% slower than an identical 70% arm in the canary test, while after a
 * promotion it batches as the stable arm did. Queue waits stay in: a slower model queues more.
 */
export function addRequestSamples(record: RequestRecord, index: WatchIndex, batch: SampleBatch): void {
  if (record.shadow || record.route === '') return;
  for (const attempt of record.attempts) {
    const entries = index.get(servingKey(record.route, attempt.model, attempt.version));
    if (entries !== undefined) push(batch, entries, 'error_rate', attempt.statusCode === 0 ? 0 : 1);
  }
  const [only] = record.attempts;
  if (record.attempts.length !== 1 || only === undefined || only.statusCode !== 0 || record.latencyUs <= 0n)
    return;
  const entries = index.get(servingKey(record.route, only.model, only.version));
  const latencyUs = Number(record.latencyUs - record.batchWaitUs);
  if (entries !== undefined) push(batch, entries, 'latency', Math.log(Math.max(latencyUs, 1) / 1000));
}

/** Adds a feedback score as a quality sample of the arm that served the request. */
export function addFeedbackSample(record: FeedbackRecord, index: WatchIndex, batch: SampleBatch): void {
  const decision = record.decision;
  if (decision === undefined || !Number.isFinite(record.score) || record.score < 0 || record.score > 1)
    return;
  const entries = index.get(servingKey(decision.route, decision.model, decision.version));
  if (entries !== undefined) push(batch, entries, 'quality', record.score);
}
