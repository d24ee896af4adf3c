import { fromBinary } from '@bufbuild/protobuf';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { SubjectNames } from '@switchboard/nats';
import { FeedbackRecordSchema, RequestRecordSchema } from '@switchboard/protocol';
import type { FeedbackRecord, RequestRecord } from '@switchboard/protocol';

/** Every request record the routers of `names` publish from now on, as they arrive. */
export function collectRequestRecords(
  nats: NatsConnection,
  names: SubjectNames,
): { records: RequestRecord[]; subscription: Subscription } {
  const records: RequestRecord[] = [];
  const subscription = nats.subscribe(`${names.telemetryRequestPrefix}>`, {
    callback: (_error, message) => {
      records.push(fromBinary(RequestRecordSchema, message.data));
    },
  });
  return { records, subscription };
}

/** Every feedback record on the FEEDBACK stream of `names`, oldest first. */
export async function readFeedbackRecords(
  nats: NatsConnection,
  names: SubjectNames,
): Promise<FeedbackRecord[]> {
  const records: FeedbackRecord[] = [];
  const manager = await jetstreamManager(nats);
  const pending = (await manager.streams.info(names.feedbackStream)).state.messages;
  if (pending === 0) return records;
  const consumer = await jetstream(nats).consumers.get(names.feedbackStream);
  const messages = await consumer.fetch({ max_messages: pending, expires: 2_000 });
  for await (const message of messages) {
    records.push(fromBinary(FeedbackRecordSchema, message.data));
    if (records.length >= pending) break;
  }
  return records;
}
