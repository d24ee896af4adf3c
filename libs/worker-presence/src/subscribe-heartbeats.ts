import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import { subscribeDecoded } from '@switchboard/nats';
import { WorkerHeartbeatSchema } from '@switchboard/protocol';
import type { WorkerPresence } from './worker-presence.js';

/**
 * Records every binary `WorkerHeartbeat` published on `subject` (`worker.heartbeat` of the
 * namespace) in `presence`. Core NATS: a missed heartbeat is replaced by the next one. Messages
 * that do not decode are logged and skipped. Stop with `unsubscribe()`.
 */
export function subscribeHeartbeats(
  connection: NatsConnection,
  subject: string,
  presence: WorkerPresence,
  logger: Logger,
): Subscription {
  return subscribeDecoded(
    connection,
    subject,
    WorkerHeartbeatSchema,
    (heartbeat) => presence.record(heartbeat),
    logger,
    'heartbeat',
  );
}
