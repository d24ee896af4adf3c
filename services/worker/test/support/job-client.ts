import { randomUUID } from 'node:crypto';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { toRawFloat32 } from '@switchboard/models/testing';
import { DEFAULT_PRIORITY } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { JobResultSchema, JobSchema, ModelInferRequestSchema } from '@switchboard/protocol';
import type { JobResult, ModelInferRequest } from '@switchboard/protocol';

/** Publishes Jobs on `infer.<model>.<priority>` as a router does and waits for their JobResults. */
export interface JobClient {
  /** Queues a job of `version` for rows of four FP32 features and resolves with its answer. */
  infer(version: string, rows: number[][]): Promise<JobResult>;
  /** Queues a job carrying `request` (its id becomes the job's request id) and resolves with its answer. */
  send(request: ModelInferRequest, version?: string): Promise<JobResult>;
  close(): void;
}

const JOB_DEADLINE_MS = 30_000;

/** A client for one model's jobs, answering to its own inbox under the namespace's reply prefix. */
export function createJobClient(connection: NatsConnection, names: SubjectNames, model: string): JobClient {
  const replyTo = `${names.replyPrefix}.worker-test-${randomUUID()}`;
  const waiting = new Map<string, (result: JobResult) => void>();
  const subscription: Subscription = connection.subscribe(replyTo, {
    callback: (error, message) => {
      if (error !== null) return;
      const result = fromBinary(JobResultSchema, message.data);
      waiting.get(result.requestId)?.(result);
      waiting.delete(result.requestId);
    },
  });
  const client = jetstream(connection);
  const send = async (request: ModelInferRequest, version = ''): Promise<JobResult> => {
    const job = create(JobSchema, {
      requestId: request.id,
      model,
      version,
      request: toBinary(ModelInferRequestSchema, request),
      replyTo,
      deadlineUnixMs: BigInt(Date.now() + JOB_DEADLINE_MS),
      enqueuedUnixMs: BigInt(Date.now()),
      priority: DEFAULT_PRIORITY,
    });
    const answered = new Promise<JobResult>((resolve) => waiting.set(request.id, resolve));
    await client.publish(names.inferSubject(model, DEFAULT_PRIORITY), toBinary(JobSchema, job));
    return answered;
  };
  return {
    send,
    infer: (version, rows) =>
      send(
        create(ModelInferRequestSchema, {
          modelName: model,
          id: randomUUID(),
          inputs: [{ name: 'features', datatype: 'FP32', shape: [BigInt(rows.length), 4n] }],
          rawInputContents: [toRawFloat32(rows.flat())],
        }),
        version,
      ),
    close() {
      subscription.unsubscribe();
    },
  };
}
