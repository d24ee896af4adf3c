import { jetstream } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { adminMetadata, createGrpcClient } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import type { Registry } from '@switchboard/metrics';
import { ensureStreams } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { RegistryService } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { PeriodicTask } from '@switchboard/service-runner';
import { createCanaryMetrics } from './canary-metrics.js';
import { CanaryWatcher } from './canary-watcher.js';
import type { OptimizerConfig } from './config.js';
import { DurableReader } from './durable-reader.js';
import type { Database } from './open-database.js';

/** The canary watcher's durable consumers, on TELEMETRY and on FEEDBACK (the learner has its own). */
const CANARY_DURABLE_NAME = 'optimizer-canary';
/** A registry call that takes longer is retried in the next round. */
const REGISTRY_CALL_TIMEOUT_MS = 5_000;

/** What the canary watcher needs from the running optimizer. */
export interface CanaryWatchingOptions {
  readonly config: OptimizerConfig;
  readonly names: SubjectNames;
  readonly connection: NatsConnection;
  readonly manager: JetStreamManager;
  readonly database: Database;
  readonly registry: RegistrySnapshot;
  readonly metricsRegistry: Registry;
  readonly logger: Logger;
}

/** A running canary watcher. */
export interface CanaryWatching {
  readonly watcher: CanaryWatcher;
  /** Stops judging and reading (the batch in hand is stored and acked), then closes the registry client. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts watching canaries: restores them from Postgres, reads request records
 * (`telemetry.request.>`) and feedback with durable consumers from now on (a restart resumes after
 * the last ack), and judges every `OPTIMIZER_CANARY_INTERVAL`, applying verdicts through the
 * registry at `REGISTRY_ADDRESS`.
 * @throws when the TELEMETRY stream cannot be ensured or a consumer created; what was started is stopped.
 */
export async function startCanaryWatching(options: CanaryWatchingOptions): Promise<CanaryWatching> {
  const { config, names, connection, manager, database, registry, logger } = options;
  const registryClient = createGrpcClient(RegistryService, config.registryAddress, {
    tls: config.grpcTls.client,
    metadata: adminMetadata(config.adminToken),
  });
  const watcher = new CanaryWatcher({
    database,
    registry,
    registryClient,
    registryCall: { timeoutMs: REGISTRY_CALL_TIMEOUT_MS },
    metrics: createCanaryMetrics(options.metricsRegistry),
    logger: logger.child({ component: 'canary' }),
  });
  const readers: DurableReader[] = [];
  const task = new PeriodicTask('canary', config.canaryIntervalMs, () => watcher.evaluate(), logger);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await task.stop();
      for (const reader of readers) await reader.stop();
      await watcher.idle();
      registryClient.close();
    })();
    return stopping;
  };
  try {
    await ensureStreams(manager, names, {
      kinds: ['telemetry'],
      telemetryMaxBytes: config.telemetryMaxBytes,
      replicas: config.natsStreamReplicas,
    });
    await watcher.restore();
    const client = jetstream(connection);
    const common = { jetstream: client, manager, durable: CANARY_DURABLE_NAME, deliverFrom: 'new' } as const;
    readers.push(
      new DurableReader({
        ...common,
        stream: names.telemetryStream,
        filterSubject: `${names.telemetryRequestPrefix}>`,
        handle: watcher.handleRequests,
        logger: logger.child({ component: 'canary-requests' }),
      }),
      new DurableReader({
        ...common,
        stream: names.feedbackStream,
        handle: watcher.handleFeedback,
        logger: logger.child({ component: 'canary-feedback' }),
      }),
    );
    for (const reader of readers) await reader.start();
    task.start();
    return { watcher, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
