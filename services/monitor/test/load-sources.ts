import { create, toBinary } from '@bufbuild/protobuf';
import type { JsMsg } from '@nats-io/jetstream';
import { ensureWorkConsumer } from '@switchboard/nats';
import { JobSchema, WorkerHeartbeatSchema } from '@switchboard/protocol';
import type { WorkerState } from '@switchboard/protocol';
import type { openRegistryBucket } from '@switchboard/registry-snapshot';
import { registerNamesInBucket } from '@switchboard/registry-snapshot/testing';
import type { RegisteredNames } from '@switchboard/registry-snapshot/testing';
import type { MonitorTestBed } from './monitor-test-bed.js';

/** The namespace's registry bucket. */
export type RegistryBucket = Awaited<ReturnType<typeof openRegistryBucket>>;

/**
 * Registers models, routes and tenants in the namespace's registry bucket; returns the bucket. The
 * monitor counts records only under names the registry knows, so tests register theirs first.
 */
export function registerNames(bed: MonitorTestBed, names: RegisteredNames): Promise<RegistryBucket> {
  return registerNamesInBucket(bed.connection, bed.names, names);
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
