import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { serve, startGrpcServer } from '@switchboard/grpc';
import type { RunningGrpcServer } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import { createMetricsRegistry, startMetricsServer } from '@switchboard/metrics';
import type { Registry, RunningMetricsServer } from '@switchboard/metrics';
import { runMigrations } from '@switchboard/migrations';
import { connectNats, createSubjectNames, ensureStreams } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { MonitorService } from '@switchboard/protocol';
import { startRegistrySnapshot } from '@switchboard/registry-snapshot';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { subscribeHeartbeats, WorkerPresence } from '@switchboard/worker-presence';
import { PeriodicTask, acquireWriterLock } from '@switchboard/service-runner';
import type { WriterLock } from '@switchboard/service-runner';
import { loadCheckpoint } from './checkpoint-store.js';
import { Checkpointer } from './checkpointer.js';
import type { MonitorConfig } from './config.js';
import { createMonitorHandlers } from './grpc-server.js';
import { createMonitorMetrics } from './monitor-metrics.js';
import type { MonitorMetrics } from './monitor-metrics.js';
import { openDatabase } from './open-database.js';
import type { Database } from './open-database.js';
import { publishLoadSnapshot } from './publish-load-snapshot.js';
import { RecentThroughput } from './recent-throughput.js';
import { TelemetryAggregator } from './telemetry-aggregator.js';
import { TelemetryConsumer } from './telemetry-consumer.js';
import { MONITOR_MIGRATIONS } from './migration-set.js';

/** A started monitor. */
export interface RunningMonitor {
  /** The port MonitorService listens on (the bound one when the config asked for 0). */
  readonly port: number;
  /** The bound port of the Prometheus /metrics endpoint. */
  readonly metricsPort: number;
  /**
   * Reports NOT_SERVING, stops the gRPC server (in-flight calls get up to 5 s) and /metrics, stops
   * reading, writes a last checkpoint, drains NATS and closes Postgres. Idempotent.
   */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;
const POSTGRES_CLOSE_TIMEOUT_SECONDS = 5;

/** What start() has opened so far, so that stop (or a failed start) closes exactly that, in order. */
interface Resources {
  database?: Database;
  lock?: WriterLock;
  connection?: NatsConnection;
  registry?: RegistrySnapshot;
  heartbeats?: Subscription;
  consumer?: TelemetryConsumer;
  checkpointer?: Checkpointer;
  tasks: PeriodicTask[];
  server?: RunningGrpcServer;
  metrics?: RunningMetricsServer;
}

/** What the running parts share. */
interface Context {
  readonly config: MonitorConfig;
  readonly names: SubjectNames;
  readonly logger: Logger;
  readonly resources: Resources;
}

/** What the load snapshot and the metrics read besides telemetry. */
interface LiveSources {
  readonly registry: RegistrySnapshot;
  readonly workers: WorkerPresence;
  readonly throughput: RecentThroughput;
}

/**
 * Starts the monitor: applies migrations, waits to be the only monitor of the namespace's stream,
 * restores the last checkpoint, replays TELEMETRY from there, then checkpoints, publishes load
 * snapshots and serves MonitorService.
 * @throws when Postgres or NATS is unreachable, a migration fails, the checkpoint is unreadable
 * or the port is taken; whatever had been opened is closed first.
 */
export async function start(config: MonitorConfig, logger: Logger): Promise<RunningMonitor> {
  const context: Context = {
    config,
    names: createSubjectNames(config.namespace),
    logger,
    resources: { tasks: [] },
  };
  try {
    const { database, aggregator } = await restoreAggregator(context);
    const connection = await connectNats({ ...config.nats, name: 'monitor', logger });
    context.resources.connection = connection;
    const manager = await jetstreamManager(connection);
    // Only the stream it reads: a missing INFER stream just means no queues yet (readQueueDepths).
    await ensureStreams(manager, context.names, {
      kinds: ['telemetry'],
      telemetryMaxBytes: context.config.telemetryMaxBytes,
      replicas: context.config.natsStreamReplicas,
    });
    const live = await startLiveSources(context, connection);
    const metricsRegistry = createMetricsRegistry('monitor');
    const metrics = createMonitorMetrics(metricsRegistry, { ...live, aggregator });
    const consumer = await startConsumer(context, connection, manager, aggregator, live, metrics);
    const checkpointer = new Checkpointer({
      database,
      stream: context.names.telemetryStream,
      aggregator,
      isCaughtUp: () => consumer.caughtUp,
      logger: logger.child({ component: 'checkpoint' }),
    });
    context.resources.checkpointer = checkpointer;
    const sources = { connection, manager, names: context.names, aggregator, ...live };
    const publishLoad = () => publishLoadSnapshot(sources, (snapshot) => metrics.snapshotPublished(snapshot));
    startTasks(context, [
      new PeriodicTask('checkpoint', config.checkpointIntervalMs, () => checkpointer.checkpoint(), logger),
      new PeriodicTask('load-snapshot', config.loadIntervalMs, publishLoad, logger),
    ]);
    return await serveStats(context, aggregator, metricsRegistry);
  } catch (error) {
    await closeResources(context);
    throw error;
  }
}

/** Opens Postgres, takes the writer lock and rebuilds the aggregator from the last checkpoint. */
async function restoreAggregator({ config, names, logger, resources }: Context) {
  if (config.applyMigrations) {
    await runMigrations({
      ...config.migrations,
      ...MONITOR_MIGRATIONS,
      logger: logger.child({ component: 'migrations' }),
    });
  }
  const database = openDatabase(config.databaseUrl, logger.child({ component: 'postgres' }));
  resources.database = database;
  resources.lock = await acquireWriterLock(database, {
    key: `switchboard-monitor:${names.telemetryStream}`,
    standbyMessage: 'another monitor counts this stream',
    logger,
  });
  const state = await loadCheckpoint(database, names.telemetryStream);
  logger.info({ lastSequence: state?.lastSequence ?? 0 }, 'checkpoint loaded');
  const aggregator =
    state === undefined
      ? new TelemetryAggregator(config.maxGroups)
      : TelemetryAggregator.fromState(state, config.maxGroups);
  return { database, aggregator };
}

async function startConsumer(
  { names, logger, resources }: Context,
  connection: NatsConnection,
  manager: JetStreamManager,
  aggregator: TelemetryAggregator,
  { throughput, registry }: LiveSources,
  metrics: MonitorMetrics,
): Promise<TelemetryConsumer> {
  const consumer = new TelemetryConsumer({
    jetstream: jetstream(connection),
    manager,
    names,
    aggregator,
    registry,
    onRequestApplied: (atMs, record) => {
      // Answered requests only: refusals and expired jobs cost the model nothing, and counting them
      // made the router predict a queue draining faster than it did, so under overload its admission
      // let in more, more expired, and the count grew (chaos scenario 10).
      if (record.statusCode === 0) throughput.record(record.model, atMs);
      metrics.recordApplied('request');
    },
    onBatchApplied: () => metrics.recordApplied('batch'),
    logger: logger.child({ component: 'telemetry' }),
  });
  resources.consumer = consumer;
  await consumer.start();
  return consumer;
}

/**
 * Starts what the load snapshot and the metrics read besides telemetry: the registry's models and
 * worker heartbeats (before the replay, so heartbeats that arrive meanwhile are not missed).
 */
async function startLiveSources(
  { config, names, logger, resources }: Context,
  connection: NatsConnection,
): Promise<LiveSources> {
  const registry = await startRegistrySnapshot(connection, names, logger, {
    replicas: config.natsStreamReplicas,
  });
  resources.registry = registry;
  const workers = new WorkerPresence();
  resources.heartbeats = subscribeHeartbeats(connection, names.workerHeartbeatSubject, workers, logger);
  return { registry, workers, throughput: new RecentThroughput() };
}

function startTasks({ resources }: Context, tasks: PeriodicTask[]): void {
  resources.tasks.push(...tasks);
  for (const task of tasks) task.start();
}

async function serveStats(
  context: Context,
  aggregator: TelemetryAggregator,
  metricsRegistry: Registry,
): Promise<RunningMonitor> {
  const { config, logger, resources } = context;
  const server = await startGrpcServer({
    host: config.host,
    port: config.port,
    services: [serve(MonitorService, createMonitorHandlers(aggregator))],
    logger,
    tls: config.grpcTls.server,
    healthPort: config.grpcTls.healthPort,
  });
  resources.server = server;
  const metrics = await startMetricsServer({
    host: config.metricsHost,
    port: config.metricsPort,
    registry: metricsRegistry,
    logger,
  });
  resources.metrics = metrics;
  server.setServing(true);
  logger.info(
    { port: server.port, metricsPort: metrics.port, namespace: config.namespace },
    'monitor serving',
  );
  let stopping: Promise<void> | undefined;
  return {
    port: server.port,
    metricsPort: metrics.port,
    stop() {
      stopping ??= closeResources(context).then(() => logger.info('monitor stopped'));
      return stopping;
    },
  };
}

/**
 * Closes in dependency order: no new calls, no new records, a last checkpoint (so a clean stop
 * replays nothing), then NATS (drained), the writer lock and Postgres.
 */
async function closeResources({ resources, logger }: Context): Promise<void> {
  resources.server?.setServing(false);
  await resources.server?.stop(STOP_GRACE_MS);
  // The gauges read the parts closed below at scrape time; no scrapes from here on.
  await resources.metrics?.stop();
  await Promise.all(resources.tasks.map((task) => task.stop()));
  await resources.consumer?.stop();
  await resources.checkpointer
    ?.checkpoint()
    .catch((error: unknown) =>
      logger.warn({ err: error }, 'last checkpoint failed; the next start replays from the previous one'),
    );
  resources.heartbeats?.unsubscribe();
  await resources.registry?.stop();
  if (resources.connection !== undefined && !resources.connection.isClosed())
    await resources.connection.drain();
  await resources.lock?.release();
  await resources.database?.end({ timeout: POSTGRES_CLOSE_TIMEOUT_SECONDS });
}
