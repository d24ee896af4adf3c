import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Logger } from '@switchboard/logging';
import { createMetricsRegistry, startMetricsServer } from '@switchboard/metrics';
import { connectNats, createSubjectNames, ensureStreams } from '@switchboard/nats';
import { WorkerState } from '@switchboard/protocol';
import { startRegistrySnapshot } from '@switchboard/registry-snapshot';
import { openPolicyStore } from '@switchboard/routing-policy';
import { AssignmentListener } from './assignment-listener.js';
import { BatchingKnobs } from './batching-knobs.js';
import type { WorkerConfig } from './config.js';
import { Heartbeat } from './heartbeat.js';
import { createHeartbeatState } from './heartbeat-state.js';
import { ModelHost } from './model-host.js';
import { createKserveRuntime } from './runtimes/kserve-runtime.js';
import { createOnnxRuntime } from './runtimes/onnx-runtime.js';
import { createOpenAiRuntime } from './runtimes/openai-runtime.js';
import type { Runtime } from './runtimes/runtime.js';
import { createSyntheticLlmRuntime } from './runtimes/synthetic-llm-runtime.js';
import { createSyntheticRuntime } from './runtimes/synthetic-runtime.js';
import { createSyntheticStepwiseRuntime } from './runtimes/synthetic-stepwise-runtime.js';
import { createWorkerMetrics } from './worker-metrics.js';

/** A started worker. */
export interface RunningWorker {
  readonly workerId: string;
  /** The bound port of the Prometheus /metrics endpoint. */
  readonly metricsPort: number;
  /** Drains: stops pulling, finishes or hands back held jobs within the grace time, then disconnects. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a worker: connects to NATS, makes sure the INFER and DEADLETTER streams exist, follows the
 * registry snapshot and the batching knobs and serves the configured models until an assignment on
 * `worker.<id>.assign` replaces them, announcing itself on worker.heartbeat.
 */
export async function startWorker(config: WorkerConfig, logger: Logger): Promise<RunningWorker> {
  const names = createSubjectNames(config.namespace);
  const connection = await connectNats({ ...config.nats, name: `worker-${config.workerId}`, logger });
  const manager = await jetstreamManager(connection);
  await ensureStreams(manager, names, {
    telemetryMaxBytes: config.telemetryMaxBytes,
    replicas: config.natsStreamReplicas,
  });
  const snapshot = await startRegistrySnapshot(connection, names, logger, {
    replicas: config.natsStreamReplicas,
  });
  const policy = await openPolicyStore(connection, names, { replicas: config.natsStreamReplicas });

  const runtimes = new Map<string, Runtime>(
    [
      createOnnxRuntime({ intraOpThreads: config.onnxThreads }),
      createKserveRuntime(),
      createSyntheticRuntime(),
      createSyntheticLlmRuntime(),
      createSyntheticStepwiseRuntime(),
      createOpenAiRuntime({ credential: config.credential, logger }),
    ].map((runtime) => [runtime.name, runtime]),
  );
  let state = WorkerState.READY;
  const metricsRegistry = createMetricsRegistry('worker');
  const heartbeat: Heartbeat = new Heartbeat(
    connection,
    names.workerHeartbeatSubject,
    config.heartbeatIntervalMs,
    createHeartbeatState({
      workerId: config.workerId,
      memoryBytes: config.memoryBytes,
      slots: config.slots,
      state: () => state,
      loaded: () => host.loaded(),
      loading: () => host.loading(),
      assignmentEpoch: () => assignments.epoch,
    }),
  );
  const host: ModelHost = new ModelHost({
    connection,
    jetstream: jetstream(connection),
    manager,
    names,
    snapshot,
    runtimes,
    workerId: config.workerId,
    ackWaitMs: config.ackWaitMs,
    maxAttempts: config.maxAttempts,
    drainGraceMs: config.drainGraceMs,
    memoryBytes: config.memoryBytes,
    logger,
    onChange: () => heartbeat.beat(),
    observer: createWorkerMetrics(metricsRegistry, () =>
      host.loaded().map(({ spec, footprintBytes, inFlight, maxQueueDelayMs }) => ({
        model: spec.name,
        footprintBytes,
        inFlight,
        maxQueueDelayMs,
      })),
    ),
    batchingKnob: (model) => knobs.get(model),
  });
  const knobs = new BatchingKnobs({
    bucket: policy.announcements,
    models: config.models,
    logger: logger.child({ component: 'batching-knobs' }),
    onChange: (model, knob) => host.applyBatchingKnob(model, knob),
  });
  const assignments: AssignmentListener = new AssignmentListener({
    connection,
    subject: names.workerAssignSubject(config.workerId),
    memoryBytes: config.memoryBytes,
    target: {
      memoryNeededBytes: (model) => host.memoryNeededBytes(model),
      // The knobs first, so newly assigned models load with the knob in force.
      serve: async (models) => {
        await knobs.follow(models);
        await host.serve(models);
      },
      serving: () => host.loaded().map(({ spec }) => spec.name),
      failures: () => host.failures(),
    },
    logger: logger.child({ component: 'assignments' }),
    onEpoch: () => heartbeat.beat(),
  });
  // Before the models load, so they start with the knobs in force.
  await knobs.start();
  const stopWatching = snapshot.onChange(() => {
    host
      .reconcile()
      .catch((error: unknown) => logger.error({ err: error }, 'applying a registry change failed'));
  });
  await host.serve(config.models);
  assignments.start();
  heartbeat.start();
  const metrics = await startMetricsServer({
    host: config.metricsHost,
    port: config.metricsPort,
    registry: metricsRegistry,
    logger,
  });
  logger.info(
    {
      workerId: config.workerId,
      models: config.models,
      memoryBytes: config.memoryBytes,
      slots: config.slots,
      metricsPort: metrics.port,
    },
    'worker started',
  );

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    state = WorkerState.DRAINING;
    heartbeat.beat();
    // No new assignments; one being applied finishes first, so the host drains what it loaded.
    await assignments.stop();
    stopWatching();
    await knobs.stop();
    await host.stop();
    heartbeat.stop();
    await snapshot.stop();
    await connection.drain();
    // Last, so the final counts of a draining worker can still be scraped.
    await metrics.stop();
    logger.info({ workerId: config.workerId }, 'worker stopped');
  };
  return {
    workerId: config.workerId,
    metricsPort: metrics.port,
    stop: () => (stopping ??= stop()),
  };
}
