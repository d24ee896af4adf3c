import { fromBinary } from '@bufbuild/protobuf';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
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
  return connection.subscribe(subject, {
    callback: (error, message) => {
      if (error) return logger.warn({ err: error }, 'heartbeat subscription error');
      try {
        presence.record(fromBinary(WorkerHeartbeatSchema, message.data));
      } catch (decodeError) {
        logger.warn({ err: decodeError }, 'ignoring undecodable heartbeat');
      }
    },
  });
}
