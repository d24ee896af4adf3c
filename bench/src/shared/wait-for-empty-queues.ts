import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createSubjectNames, readQueueDepths } from '@switchboard/nats';

const POLL_INTERVAL_MS = 100;

/**
 * Waits until no job of `models` is queued or held by a worker (JetStream's pending and
 * unacknowledged counts of their work consumers are 0), so work left from one measurement does not
 * run into the next. Needs no monitor: it reads the consumers itself.
 * @returns false when that did not happen within `timeoutMs`.
 * @throws Error (from JetStream) when the queues cannot be read.
 */
export async function waitForEmptyQueues(
  connection: NatsConnection,
  namespace: string,
  models: readonly string[],
  timeoutMs: number,
): Promise<boolean> {
  const manager = await jetstreamManager(connection);
  const names = createSubjectNames(namespace);
  const deadlineMs = Date.now() + timeoutMs;
  for (;;) {
    const depths = await readQueueDepths(manager, names, models);
    if ([...depths.values()].every((depth) => depth.pending === 0 && depth.inFlight === 0)) return true;
    if (Date.now() >= deadlineMs) return false;
    await sleep(POLL_INTERVAL_MS);
  }
}
