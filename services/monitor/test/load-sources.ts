import { create, toBinary } from '@bufbuild/protobuf';
import type { JsMsg } from '@nats-io/jetstream';
import { ensureWorkConsumer } from '@switchboard/nats';
import { JobSchema, ModelSpecSchema, WorkerHeartbeatSchema } from '@switchboard/protocol';
import type { WorkerState } from '@switchboard/protocol';
import { modelKey, openRegistryBucket } from '@switchboard/registry-snapshot';
import type { MonitorTestBed } from './monitor-test-bed.js';

/** The namespace's registry bucket. */
export type RegistryBucket = Awaited<ReturnType<typeof openRegistryBucket>>;

/** Registers synthetic models named `models` in the namespace's registry bucket; returns the bucket. */
export async function registerModels(
  bed: MonitorTestBed,
  models: readonly string[],
): Promise<RegistryBucket> {
  const bucket = await openRegistryBucket(bed.connection, bed.names);
  for (const name of models)
    await bucket.put(
      modelKey(name),
      toBinary(ModelSpecSchema, create(ModelSpecSchema, { name, runtime: 'synthetic', version: '1' })),
    );
  return bucket;
}

/** Queues `count` jobs for `model` at `priority` on the INFER stream, as a router would. */
export async function publishJobs(
  bed: MonitorTestBed,
  model: string,
  priority: number,
  count: number,
): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      bed.jetstream.publish(
        bed.names.inferSubject(model, priority),
        toBinary(
          JobSchema,
          create(JobSchema, { requestId: `${model}-${priority}-${index}`, model, priority }),
        ),
      ),
    ),
  );
}

/**
 * Takes up to `count` jobs of `model` at `priority` through its work consumer (created as a worker
 * would) and acks the first `acked` of them; resolves with the jobs taken.
 */
export async function takeJobs(
  bed: MonitorTestBed,
  model: string,
  priority: number,
  count: number,
  acked: number,
): Promise<JsMsg[]> {
  const durable = await ensureWorkConsumer(bed.manager, bed.names, model, priority, {
    ackWaitMs: 60_000,
    maxDeliver: 3,
    maxAckPending: 100,
  });
  const consumer = await bed.jetstream.consumers.get(bed.names.inferStream, durable);
  const taken: JsMsg[] = [];
  for await (const message of await consumer.fetch({ max_messages: count, expires: 2_000 }))
    taken.push(message);
  await Promise.all(taken.slice(0, acked).map((message) => message.ackAck()));
  return taken;
}

/** Publishes a heartbeat of a worker serving `model` (version 1) that beats once a minute. */
export function publishHeartbeat(
  bed: MonitorTestBed,
  workerId: string,
  state: WorkerState,
  model: string,
  atUnixMs: number,
): void {
  const heartbeat = create(WorkerHeartbeatSchema, {
    workerId,
    state,
    models: [{ name: model, version: '1' }],
    atUnixMs: BigInt(atUnixMs),
    intervalMs: 60_000n,
  });
  bed.connection.publish(bed.names.workerHeartbeatSubject, toBinary(WorkerHeartbeatSchema, heartbeat));
}
