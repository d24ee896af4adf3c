import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { SubjectNames } from '@switchboard/nats';
import { DeadLetterSchema, JobResultSchema } from '@switchboard/protocol';
import type { Job } from '@switchboard/protocol';

/** A JobResult to send, as its init shape. */
export type JobResultInit = MessageInitShape<typeof JobResultSchema>;

/**
 * Publishes a job's result to the router inbox named in the job. Core NATS, not JetStream: the
 * router that waits for it is the only reader, and if it is gone so is the client.
 * @returns the serialized result, for the result cache.
 */
export function publishResult(connection: NatsConnection, job: Job, result: JobResultInit): Uint8Array {
  const bytes = toBinary(JobResultSchema, create(JobResultSchema, result));
  if (job.replyTo !== '') connection.publish(job.replyTo, bytes);
  return bytes;
}

/** Records a job that could not be served on the DEADLETTER stream, for operators to inspect or replay. */
export async function publishDeadLetter(
  jetstream: JetStreamClient,
  names: SubjectNames,
  details: { job: Job; reason: string; deliveries: number; workerId: string },
): Promise<void> {
  const record = create(DeadLetterSchema, { ...details, atUnixMs: BigInt(Date.now()) });
  await jetstream.publish(names.deadLetterSubject(details.job.model), toBinary(DeadLetterSchema, record));
}
