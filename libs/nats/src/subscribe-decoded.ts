import { fromBinary } from '@bufbuild/protobuf';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';

/**
 * Subscribes to `subject` with core NATS and hands every message, decoded as `schema`, to
 * `handle`. A message that does not decode, a subscription error and an error thrown by `handle` are
 * logged as warnings naming `what` and skipped: on these subjects (heartbeats, load snapshots, job results) one bad message
 * must not stop the stream of good ones. Stop with `unsubscribe()`.
 * @param what what the messages are, for the log lines (e.g. `heartbeat`).
 */
export function subscribeDecoded<Schema extends DescMessage>(
  connection: NatsConnection,
  subject: string,
  schema: Schema,
  handle: (message: MessageShape<Schema>) => void,
  logger: Logger,
  what: string,
): Subscription {
  return connection.subscribe(subject, {
    callback: (error, message) => {
      if (error) return logger.warn({ err: error }, `${what} subscription error`);
      let decoded: MessageShape<Schema>;
      try {
        decoded = fromBinary(schema, message.data);
      } catch (decodeError) {
        return logger.warn({ err: decodeError }, `ignoring undecodable ${what}`);
      }
      try {
        handle(decoded);
      } catch (handleError) {
        logger.warn({ err: handleError }, `could not apply a ${what}`);
      }
    },
  });
}
