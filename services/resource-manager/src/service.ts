import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { requireAdminToken, serve, startGrpcServer } from '@switchboard/grpc';
import type { RunningGrpcServer } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import { createMetricsRegistry, startMetricsServer } from '@switchboard/metrics';
import type { RunningMetricsServer } from '@switchboard/metrics';
import { connectNats, createSubjectNames } from '@switchboard/nats';
import { ResourceManagerService } from '@switchboard/protocol';
import { startRegistrySnapshot } from '@switchboard/registry-snapshot';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { PeriodicTask } from '@switchboard/service-runner';
import { subscribeHeartbeats, WorkerPresence } from '@switchboard/worker-presence';
import { ArrivalCounter } from './arrival-counter.js';
import { AssignmentSender } from './assignment-sender.js';
import type { ResourceManagerConfig } from './config.js';
import { readDemandHistory } from './demand-history.js';
import { DemandTracker } from './demand-tracker.js';
import { createPoolDriver } from './drivers/create-pool-driver.js';
import type { PoolDriver } from './drivers/pool-driver.js';
import { createResourceManagerHandlers } from './grpc-server.js';
import { LeaseKeeper, openLeaseBucket } from './lease/lease-keeper.js';
import { observeBatches } from './observe-batches.js';
import { PinnedModels } from './pinned-models.js';
import { PlacementLoop } from './placement-loop.js';
import { PlanView } from './plan-view.js';
import { ReplicaCapacity } from './planning/replica-capacity.js';
import { createResourceManagerMetrics } from './resource-manager-metrics.js';

/** The seasonal history changes by the minute; re-reading it hourly keeps the profiles current. */
const HISTORY_REFRESH_MS = 60 * 60_000;
const STOP_GRACE_MS = 5_000;
/** The lease key: one active resource manager per namespace. */
const LEASE_KEY = 'resource-manager';

/** A started resource manager. */
export interface RunningResourceManager {
  /** The port ResourceManagerService listens on (the bound one when the config asked for 0). */
  readonly port: number;
  readonly metricsPort: number;
  /** Stops planning, releases the lease, stops the workers the local driver started, and disconnects. Idempotent. */
  stop(): Promise<void>;
}

/** What start() has opened so far, so that stop (or a failed start) closes exactly that, in order. */
interface Resources {
  connection?: NatsConnection;
  registry?: RegistrySnapshot;
  subscriptions: Subscription[];
  arrivals?: ArrivalCounter;
  driver?: PoolDriver;
  lease?: LeaseKeeper;
  pins?: PinnedModels;
  tasks: PeriodicTask[];
  server?: RunningGrpcServer;
  metrics?: RunningMetricsServer;
}

/**
 * Starts the resource manager: follows the registry, the workers' heartbeats, the published jobs
 * and the batch records; competes for the namespace's lease; and, while it holds it, plans every
 * interval — forecast, replicas, placement, pool size — and serves ResourceManagerService.
 * @throws when NATS is unreachable or the port is taken; whatever had been opened is closed first.
 */
export async function start(config: ResourceManagerConfig, logger: Logger): Promise<RunningResourceManager> {
  const resources: Resources = { subscriptions: [], tasks: [] };
  try {
    return await startWith(config, logger, resources);
  } catch (error) {
    await closeResources(resources);
    throw error;
  }
}

async function startWith(
  config: ResourceManagerConfig,
  logger: Logger,
  resources: Resources,
): Promise<RunningResourceManager> {
  const names = createSubjectNames(config.namespace);
  const connection = await connectNats({ ...config.nats, name: 'resource-manager', logger });
  resources.connection = connection;
  const manager = await jetstreamManager(connection);
  const registry = await startRegistrySnapshot(connection, names, logger, {
    replicas: config.natsStreamReplicas,
  });
  resources.registry = registry;
  const isKnown = (model: string) => registry.getModel(model) !== undefined;

  const presence = new WorkerPresence();
  resources.subscriptions.push(
    subscribeHeartbeats(connection, names.workerHeartbeatSubject, presence, logger),
  );
  const arrivals = new ArrivalCounter(connection, names, isKnown, logger);
  arrivals.start();
  resources.arrivals = arrivals;
  const capacity = new ReplicaCapacity();
  resources.subscriptions.push(observeBatches(connection, names, capacity, isKnown, logger));
  const demand = new DemandTracker(config.forecastStepMs, Date.now());

  const metricsRegistry = createMetricsRegistry('resource-manager');
  const metrics = createResourceManagerMetrics(metricsRegistry);
  const driver = createPoolDriver(config, logger.child({ component: 'driver' }));
  resources.driver = driver;
  const lease = new LeaseKeeper({
    kv: await openLeaseBucket(connection, names, config.leaseTtlMs, config.natsStreamReplicas),
    key: LEASE_KEY,
    holderId: config.managerId,
    ttlMs: config.leaseTtlMs,
    logger: logger.child({ component: 'lease' }),
    // The planning round sets the lease gauge every interval.
    onChange: (held) => {
      logger.info(
        { managerId: config.managerId, held, epoch: lease.epoch()?.toString() },
        held ? 'lease acquired: planning' : 'lease lost: standing by',
      );
    },
  });
  resources.lease = lease;
  await lease.start();

  const pins = await PinnedModels.open(
    connection,
    names,
    config.natsStreamReplicas,
    logger.child({ component: 'pins' }),
  );
  resources.pins = pins;
  const view = new PlanView(
    { managerId: config.managerId, policy: config.policy, driver: config.driver },
    () => lease.epoch(),
  );
  const loop = new PlacementLoop({
    config,
    names,
    manager,
    registry,
    presence,
    pins,
    arrivals,
    demand,
    capacity,
    assignments: new AssignmentSender(
      connection,
      names,
      config.managerId,
      logger.child({ component: 'assign' }),
      (outcome) => metrics.assignment(outcome),
    ),
    driver,
    lease,
    metrics,
    view,
    logger: logger.child({ component: 'placement' }),
  });
  const refreshHistory = async () => demand.setHistory(await readDemandHistory(config.databaseUrl, logger));
  await refreshHistory().catch((error: unknown) =>
    logger.warn({ err: error }, 'could not read the demand history; forecasting without it for now'),
  );
  for (const task of [
    new PeriodicTask('placement', config.intervalMs, () => loop.round(), logger),
    new PeriodicTask('history', HISTORY_REFRESH_MS, refreshHistory, logger),
  ]) {
    resources.tasks.push(task);
    task.start();
  }

  const server = await startGrpcServer({
    host: config.host,
    port: config.port,
    services: [
      serve(
        ResourceManagerService,
        requireAdminToken(ResourceManagerService, createResourceManagerHandlers(view, registry, pins), {
          token: config.adminToken,
        }),
      ),
    ],
    logger,
    tls: config.grpcTls.server,
    healthPort: config.grpcTls.healthPort,
  });
  resources.server = server;
  const metricsServer = await startMetricsServer({
    host: config.metricsHost,
    port: config.metricsPort,
    registry: metricsRegistry,
    logger,
  });
  resources.metrics = metricsServer;
  server.setServing(true);
  logger.info(
    {
      port: server.port,
      metricsPort: metricsServer.port,
      managerId: config.managerId,
      policy: config.policy,
      driver: config.driver,
      namespace: config.namespace,
    },
    'resource manager serving',
  );
  let stopping: Promise<void> | undefined;
  return {
    port: server.port,
    metricsPort: metricsServer.port,
    stop() {
      stopping ??= closeResources(resources).then(() => logger.info('resource manager stopped'));
      return stopping;
    },
  };
}

/**
 * Closes in dependency order: no new calls or rounds, the lease released (a standby takes over at
 * once), the local driver's workers stopped (each drains), then the subscriptions and NATS.
 */
async function closeResources(resources: Resources): Promise<void> {
  resources.server?.setServing(false);
  await resources.server?.stop(STOP_GRACE_MS);
  await resources.metrics?.stop();
  await Promise.all(resources.tasks.map((task) => task.stop()));
  await resources.lease?.stop();
  await resources.driver?.stop();
  await resources.pins?.stop();
  resources.arrivals?.stop();
  for (const subscription of resources.subscriptions) subscription.unsubscribe();
  await resources.registry?.stop();
  if (resources.connection !== undefined && !resources.connection.isClosed())
    await resources.connection.drain();
}
