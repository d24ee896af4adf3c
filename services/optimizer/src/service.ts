import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { requireAdminToken, serve, startGrpcServer } from '@switchboard/grpc';
import type { RunningGrpcServer } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import { createMetricsRegistry, startMetricsServer } from '@switchboard/metrics';
import type { RunningMetricsServer } from '@switchboard/metrics';
import { runMigrations } from '@switchboard/migrations';
import { connectNats, createSubjectNames, ensureStreams } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { OptimizerService } from '@switchboard/protocol';
import { startRegistrySnapshot } from '@switchboard/registry-snapshot';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { decisionsStreamName, openDecisionsBucket, openPolicyStore } from '@switchboard/routing-policy';
import { PeriodicTask, acquireWriterLock } from '@switchboard/service-runner';
import type { WriterLock } from '@switchboard/service-runner';
import { BatchingTuner } from './batching-tuner.js';
import type { OptimizerConfig } from './config.js';
import { DurableReader } from './durable-reader.js';
import { createOptimizerHandlers } from './grpc-server.js';
import type { LearnerDependencies } from './learner-dependencies.js';
import { openDatabase } from './open-database.js';
import type { Database } from './open-database.js';
import { createOptimizerMetrics } from './optimizer-metrics.js';
import { pruneRouteState } from './prune-route-state.js';
import { createDecisionHandler, createFeedbackHandler } from './record-intake.js';
import type { IntakeDependencies } from './record-intake.js';
import { createRouteCatalog } from './route-catalog.js';
import { RouteLearners } from './route-learners.js';
import { startCanaryWatching } from './start-canary-watching.js';
import type { CanaryWatching } from './start-canary-watching.js';
import { RouteTrainer } from './train-route.js';
import { OPTIMIZER_MIGRATIONS } from './migration-set.js';

/** The durable consumers' name on the FEEDBACK stream and on the decisions bucket's stream. */
const DURABLE_NAME = 'optimizer';

/** A started optimizer. */
export interface RunningOptimizer {
  /** The port OptimizerService listens on (the bound one when the config asked for 0). */
  readonly port: number;
  /** The bound port of the Prometheus /metrics endpoint. */
  readonly metricsPort: number;
  /**
   * Reports NOT_SERVING, stops the gRPC server (in-flight calls get up to 5 s) and /metrics, stops
   * publishing and reading, ends training threads, drains NATS and closes Postgres. Idempotent.
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
  trainer?: RouteTrainer;
  learners?: RouteLearners;
  readers: DurableReader[];
  canaries?: CanaryWatching;
  tasks: PeriodicTask[];
  server?: RunningGrpcServer;
  metrics?: RunningMetricsServer;
}

/** What the running parts share. */
interface Context {
  readonly config: OptimizerConfig;
  readonly names: SubjectNames;
  readonly logger: Logger;
  readonly resources: Resources;
}

/**
 * Starts the optimizer: applies migrations, waits to be the only optimizer of the namespace,
 * restores every route's newest policy (and learns again what came after it), reads feedback and
 * decisions durably from where it stopped, publishes changed policies every publish interval, tunes
 * batching models' knobs every batching interval and serves OptimizerService.
 * @throws when Postgres or NATS is unreachable, a migration fails or the port is taken; whatever
 * had been opened is closed first.
 */
export async function start(config: OptimizerConfig, logger: Logger): Promise<RunningOptimizer> {
  const context: Context = {
    config,
    names: createSubjectNames(config.namespace),
    logger,
    resources: { readers: [], tasks: [] },
  };
  try {
    return await startWith(context);
  } catch (error) {
    await closeResources(context);
    throw error;
  }
}

async function startWith(context: Context): Promise<RunningOptimizer> {
  const { config, names, logger, resources } = context;
  if (config.applyMigrations) {
    await runMigrations({
      ...config.migrations,
      ...OPTIMIZER_MIGRATIONS,
      logger: logger.child({ component: 'migrations' }),
    });
  }
  const database = openDatabase(config.databaseUrl, logger.child({ component: 'postgres' }));
  resources.database = database;
  resources.lock = await acquireWriterLock(database, {
    key: `switchboard-optimizer:${config.namespace}`,
    standbyMessage: 'another optimizer learns for this namespace',
    logger,
  });
  const connection = await connectNats({ ...config.nats, name: 'optimizer', logger });
  resources.connection = connection;
  const manager = await jetstreamManager(connection);
  // Only the stream it reads; the decisions bucket and the policy store are created if missing, so
  // the optimizer may start before the router.
  await ensureStreams(manager, names, { kinds: ['feedback'], replicas: config.natsStreamReplicas });
  await openDecisionsBucket(connection, names, { replicas: config.natsStreamReplicas });
  const store = await openPolicyStore(connection, names, { replicas: config.natsStreamReplicas });
  const registry = await startRegistrySnapshot(connection, names, logger, {
    replicas: config.natsStreamReplicas,
  });
  resources.registry = registry;
  const metricsRegistry = createMetricsRegistry('optimizer');
  const trainer = new RouteTrainer();
  resources.trainer = trainer;
  const dependencies: LearnerDependencies = {
    database,
    catalog: createRouteCatalog(registry),
    store,
    trainer,
    metrics: createOptimizerMetrics(metricsRegistry),
    maxImportedRows: config.maxImportedRows,
    refitAfterObservations: config.refitAfterObservations,
    logger: logger.child({ component: 'learner' }),
  };
  const learners = new RouteLearners(dependencies);
  resources.learners = learners;
  await learners.restore();
  const batching = new BatchingTuner({
    bucket: store.announcements,
    batchingOf: (model) => registry.getModel(model)?.batching,
    metrics: dependencies.metrics,
    logger: logger.child({ component: 'batching' }),
  });
  const touchedRoutes = new Set(learners.routes());
  const intake: IntakeDependencies = { ...dependencies, learners, batching, touchedRoutes };
  await startReaders(context, connection, manager, intake, `$KV.${names.decisionsBucket}.`);
  const canaryOptions = { config, names, connection, manager, database, registry, metricsRegistry, logger };
  resources.canaries = await startCanaryWatching(canaryOptions);
  startPublishing(context, learners, intake.touchedRoutes, database);
  startBatchingTuning(context, batching);
  return await serveOptimizer(context, intake, metricsRegistry);
}

/** Reads FEEDBACK from its start and the decisions bucket's stream from now on, both durably. */
async function startReaders(
  { names, logger, resources }: Context,
  connection: NatsConnection,
  manager: Awaited<ReturnType<typeof jetstreamManager>>,
  intake: IntakeDependencies,
  decisionSubjectPrefix: string,
): Promise<void> {
  const client = jetstream(connection);
  const readers = [
    new DurableReader({
      jetstream: client,
      manager,
      stream: names.feedbackStream,
      durable: DURABLE_NAME,
      deliverFrom: 'all',
      handle: createFeedbackHandler(intake),
      logger: logger.child({ component: 'feedback' }),
    }),
    new DurableReader({
      jetstream: client,
      manager,
      stream: decisionsStreamName(names),
      durable: DURABLE_NAME,
      // Decisions are kept 48 h; an optimizer seeing the bucket for the first time learns from now on.
      deliverFrom: 'new',
      handle: createDecisionHandler(intake, decisionSubjectPrefix),
      logger: logger.child({ component: 'decisions' }),
    }),
  ];
  for (const reader of readers) {
    resources.readers.push(reader);
    await reader.start();
  }
}

/** Every publish interval: publish the routes whose predictors changed, then trim their tables. */
function startPublishing(
  { config, logger, resources }: Context,
  learners: RouteLearners,
  touchedRoutes: Set<string>,
  database: Database,
): void {
  const round = async () => {
    await learners.publishChanged();
    const routes = [...touchedRoutes];
    touchedRoutes.clear();
    for (const route of routes) await pruneRouteState(database, route, config);
  };
  const task = new PeriodicTask('publish', config.publishIntervalMs, round, logger);
  resources.tasks.push(task);
  task.start();
}

/** Every batching interval: judge each batching model's delay and publish the knobs that moved. */
function startBatchingTuning({ config, logger, resources }: Context, batching: BatchingTuner): void {
  const task = new PeriodicTask('batching', config.batchingIntervalMs, () => batching.tune(), logger);
  resources.tasks.push(task);
  task.start();
}

async function serveOptimizer(
  { config, logger, resources }: Context,
  intake: IntakeDependencies,
  metricsRegistry: ReturnType<typeof createMetricsRegistry>,
): Promise<RunningOptimizer> {
  const server = await startGrpcServer({
    host: config.host,
    port: config.port,
    services: [
      serve(
        OptimizerService,
        requireAdminToken(
          OptimizerService,
          createOptimizerHandlers({
            ...intake,
            canaries: resources.canaries?.watcher,
            logger: logger.child({ component: 'grpc' }),
          }),
          // GetPolicy is a read the dashboards and `switchboard policy show` make; it holds no secret.
          { token: config.adminToken, openMethods: ['getPolicy'] },
        ),
      ),
    ],
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
    'optimizer serving',
  );
  let stopping: Promise<void> | undefined;
  return {
    port: server.port,
    metricsPort: metrics.port,
    stop() {
      stopping ??= closeResources({
        config,
        logger,
        resources,
        names: createSubjectNames(config.namespace),
      }).then(() => logger.info('optimizer stopped'));
      return stopping;
    },
  };
}

/**
 * Closes in dependency order: no new calls, no new publication rounds, no new records, no training,
 * what the learners had queued finished, then the registry watch, NATS (drained, so acks go out),
 * the lock and Postgres.
 */
async function closeResources({ resources }: Context): Promise<void> {
  resources.server?.setServing(false);
  await resources.server?.stop(STOP_GRACE_MS);
  await resources.metrics?.stop();
  await Promise.all(resources.tasks.map((task) => task.stop()));
  for (const reader of resources.readers) await reader.stop();
  await resources.canaries?.stop();
  await resources.trainer?.stop();
  await resources.learners?.idle();
  await resources.registry?.stop();
  if (resources.connection !== undefined && !resources.connection.isClosed())
    await resources.connection.drain();
  await resources.lock?.release();
  await resources.database?.end({ timeout: POSTGRES_CLOSE_TIMEOUT_SECONDS });
}
