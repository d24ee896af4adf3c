import { fromBinary } from '@bufbuild/protobuf';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { WorkerHeartbeatSchema } from '@switchboard/protocol';
import type { WorkerHeartbeat } from '@switchboard/protocol';
import type { ReplicaBeat, ReplicaTimeline } from './replica-timeline.js';

/** The replica facts of a heartbeat. */
export function toReplicaBeat(heartbeat: WorkerHeartbeat): ReplicaBeat {
  return {
    workerId: heartbeat.workerId,
    atMs: Number(heartbeat.atUnixMs),
    intervalMs: Number(heartbeat.intervalMs),
    loaded: heartbeat.models.map((model) => ({ model: model.name, loadMs: model.loadMs })),
    loading: heartbeat.loading,
  };
}

/**
 * Feeds every `WorkerHeartbeat` on `subject` (the namespace's `worker.heartbeat`) into `timeline`.
 * Core NATS: a lost beat is replaced by the next one, and one that does not decode is skipped for the
 * same reason. Stop with `unsubscribe()`.
 */
export function recordHeartbeats(
  connection: NatsConnection,
  subject: string,
  timeline: ReplicaTimeline,
): Subscription {
  return connection.subscribe(subject, {
    callback: (error, message) => {
      if (error !== null) return;
      try {
        timeline.observe(toReplicaBeat(fromBinary(WorkerHeartbeatSchema, message.data)));
      } catch {
        return;
      }
    },
  });
}
