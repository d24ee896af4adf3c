import { create, toBinary } from '@bufbuild/protobuf';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { readQueueDepths } from '@switchboard/nats';
import type { QueueDepth, SubjectNames } from '@switchboard/nats';
import { LoadSnapshotSchema, ModelLoadSchema } from '@switchboard/protocol';
import type { LoadSnapshot, ModelLoad } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import type { WorkerPresence } from '@switchboard/worker-presence';
import type { RecentThroughput } from './recent-throughput.js';
import { lastMinuteFirstSubWindow } from './select-window.js';
import type { TelemetryAggregator } from './telemetry-aggregator.js';

/** Where the load figures come from. */
export interface LoadSources {
  readonly connection: NatsConnection;
  readonly manager: JetStreamManager;
  readonly names: SubjectNames;
  /** The registered models: every one gets a ModelLoad, busy or not. */
  readonly registry: RegistrySnapshot;
  readonly aggregator: TelemetryAggregator;
  readonly throughput: RecentThroughput;
  readonly workers: WorkerPresence;
}

/** Told about every snapshot published, e.g. to mirror its queue depths in Prometheus gauges. */
export type LoadSnapshotObserver = (snapshot: LoadSnapshot) => void;

/**
 * Publishes one binary LoadSnapshot on `monitor.load`: per registered model its queue (pending,
 * in flight), throughput over ~10 s, and median batch execute time and size over the last minute.
 * Core NATS: the router wants the newest snapshot, not every one. `observe` sees each snapshot once
 * it is published.
 * @throws Error (from JetStream) when the queue depths cannot be read; nothing is published (or
 * observed) then.
 */
export async function publishLoadSnapshot(
  sources: LoadSources,
  observe: LoadSnapshotObserver = () => undefined,
): Promise<void> {
  const models = sources.registry
    .listModels()
    .map((model) => model.name)
    .sort();
  const depths = await readQueueDepths(sources.manager, sources.names, models);
  const nowMs = Date.now();
  // Batch figures over the last minute: enough batches for a stable median on a quiet model.
  const firstSubWindow = lastMinuteFirstSubWindow(nowMs);
  const snapshot = create(LoadSnapshotSchema, {
    atUnixMs: BigInt(nowMs),
    models: models.map((model) => toModelLoad(model, depths.get(model), nowMs, firstSubWindow, sources)),
  });
  sources.connection.publish(sources.names.monitorLoadSubject, toBinary(LoadSnapshotSchema, snapshot));
  observe(snapshot);
}

function toModelLoad(
  model: string,
  depth: QueueDepth | undefined,
  nowMs: number,
  firstSubWindow: number,
  sources: LoadSources,
): ModelLoad {
  const batches = sources.aggregator.recentBatches(model, firstSubWindow);
  return create(ModelLoadSchema, {
    model,
    pending: BigInt(depth?.pending ?? 0),
    inFlight: BigInt(depth?.inFlight ?? 0),
    throughputPerSecond: sources.throughput.perSecond(model, nowMs),
    serviceTimeMs: (batches?.execute.percentileUs(50) ?? 0) / 1_000,
    batchSize: batches?.medianSize() ?? 0,
    liveWorkers: sources.workers.liveWorkers(model),
  });
}
