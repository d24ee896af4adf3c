import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import type { ConsumerConfig, JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { isConsumerNotFound } from './jetstream-errors.js';
import type { SubjectNames } from './subject-names.js';

export interface WorkConsumerOptions {
  /** Time a worker has to ack (or signal progress on) a job before it is redelivered. */
  ackWaitMs: number;
  /** Deliveries before the job is given up on; the last one is used to answer with an error. */
  maxDeliver: number;
  /** Jobs handed out and not yet acked, across all workers. */
  maxAckPending: number;
}

/** The durable name of the work consumer of a model at a priority, shared by every worker serving it. */
export function workConsumerName(model: string, priority: number): string {
  return `work-${model}-p${priority}`;
}

/**
 * Creates (or updates) the durable pull consumer of a model's jobs at one priority. All workers that
 * serve the model pull from this one consumer, so each job goes to one worker, and a job a worker
 * took but never acked is redelivered to any of them after `ackWaitMs`.
 * @returns the consumer's durable name.
 */
export async function ensureWorkConsumer(
  manager: JetStreamManager,
  names: SubjectNames,
  model: string,
  priority: number,
  options: WorkConsumerOptions,
): Promise<string> {
  const durable = workConsumerName(model, priority);
  const config: Partial<ConsumerConfig> = {
    durable_name: durable,
    filter_subject: names.inferSubject(model, priority),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.ackWaitMs),
    max_deliver: options.maxDeliver,
    max_ack_pending: options.maxAckPending,
  };
  try {
    await manager.consumers.info(names.inferStream, durable);
    await manager.consumers.update(names.inferStream, durable, config);
  } catch (error) {
    if (!isConsumerNotFound(error)) throw error;
    await manager.consumers.add(names.inferStream, config);
  }
  return durable;
}
