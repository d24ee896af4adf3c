import type { ConsumerInfo, JetStreamManager } from '@nats-io/jetstream';
import { workConsumerName } from './ensure-work-consumer.js';
import { isStreamNotFound } from './jetstream-errors.js';
import { PRIORITY_LEVELS } from './priority.js';
import type { SubjectNames } from './subject-names.js';

/** A model's queue, all priorities together. */
export interface QueueDepth {
  /** Jobs waiting to be handed to a worker. */
  readonly pending: number;
  /** Jobs handed to workers and not yet acked. */
  readonly inFlight: number;
}

/**
 * Reads every model's queue depth from the INFER stream in one or two JetStream API calls: the
 * stream's consumer list (num_pending / num_ack_pending of each work consumer; one call however
 * many models) and, only when some (model, priority) has no work consumer yet — jobs queued before
 * any worker ever ran — the stream's per-subject message counts (`subjects_filter`, NATS 2.9+).
 * A missing INFER stream means no queues yet: every depth is zero.
 * @throws Error (from JetStream) on any other failure.
 */
export async function readQueueDepths(
  manager: JetStreamManager,
  names: SubjectNames,
  models: readonly string[],
): Promise<Map<string, QueueDepth>> {
  const depths = new Map<string, QueueDepth>(models.map((model) => [model, { pending: 0, inFlight: 0 }]));
  let consumers: Map<string, ConsumerInfo>;
  try {
    consumers = await listConsumers(manager, names.inferStream);
  } catch (error) {
    if (isStreamNotFound(error)) return depths;
    throw error;
  }
  const unconsumed: { model: string; subject: string }[] = [];
  for (const model of models) {
    let pending = 0;
    let inFlight = 0;
    for (const priority of PRIORITY_LEVELS) {
      const info = consumers.get(workConsumerName(model, priority));
      if (info === undefined) unconsumed.push({ model, subject: names.inferSubject(model, priority) });
      else {
        pending += info.num_pending;
        inFlight += info.num_ack_pending;
      }
    }
    depths.set(model, { pending, inFlight });
  }
  if (unconsumed.length > 0) await addUnconsumedJobs(manager, names, unconsumed, depths);
  return depths;
}

async function listConsumers(manager: JetStreamManager, stream: string): Promise<Map<string, ConsumerInfo>> {
  const consumers = new Map<string, ConsumerInfo>();
  for await (const info of manager.consumers.list(stream)) consumers.set(info.name, info);
  return consumers;
}

/**
 * Without a consumer every message on a subject of the work-queue stream is a job nobody took, so
 * the subject's message count is its pending count.
 */
async function addUnconsumedJobs(
  manager: JetStreamManager,
  names: SubjectNames,
  unconsumed: readonly { model: string; subject: string }[],
  depths: Map<string, QueueDepth>,
): Promise<void> {
  const filter =
    unconsumed.length === 1 ? (unconsumed[0]?.subject ?? names.inferWildcard) : names.inferWildcard;
  const info = await manager.streams.info(names.inferStream, { subjects_filter: filter });
  const counts = info.state.subjects ?? {};
  for (const { model, subject } of unconsumed) {
    const depth = depths.get(model) ?? { pending: 0, inFlight: 0 };
    depths.set(model, { ...depth, pending: depth.pending + (counts[subject] ?? 0) });
  }
}
