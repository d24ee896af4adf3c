import { readFileSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { startGrpcServer, serve } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import { createMetricsRegistry, startMetricsServer } from '@switchboard/metrics';
import { connectNats, createSubjectNames, ensureStreams } from '@switchboard/nats';
import { GRPCInferenceService } from '@switchboard/protocol';
import { startRegistrySnapshot } from '@switchboard/registry-snapshot';
import { subscribeHeartbeats, WorkerPresence } from '@switchboard/worker-presence';
import type { RouterConfig } from './config.js';
import { createInferenceHandlers } from './grpc-server.js';
import { JobDispatcher } from './job-dispatcher.js';
import { LoadView, subscribeLoadSnapshots } from './selection/load-view.js';
import { ModelCircuitBreakers } from './model-circuit-breakers.js';
import { ModelSelector } from './selection/model-selector.js';
import { ServiceTimeEstimator } from './selection/service-time-estimator.js';
import { ShadowTraffic } from './shadow-traffic.js';
import { RequestRecordPublisher } from './request-telemetry.js';
import { createCircuitStateMetric, createRouterMetrics } from './router-metrics.js';

/** Time in-flight calls get to finish when the router stops. */
const STOP_GRACE_MS = 5_000;
/** Bytes NATS needs for the job envelope around a request's inputs. */
const JOB_ENVELOPE_BYTES = 64 * 1024;

const { version: serverVersion } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

/** A started router. */
export interface RunningRouter {
  /** The bound OIP gRPC port. */
  readonly port: number;
  /** The bound port of the Prometheus /metrics endpoint. */
  readonly metricsPort: number;
  /** Stops accepting calls, answers in-flight ones (UNAVAILABLE if they cannot finish) and disconnects. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the router: the OIP gRPC front door on `config.port`, backed by the registry snapshot, the
 * worker heartbeats and the INFER job queue.
 */
export async function startRouter(config: RouterConfig, logger: Logger): Promise<RunningRouter> {
  const names = createSubjectNames(config.namespace);
  const connection = await connectNats({ url: config.natsUrl, name: `router-${config.routerId}`, logger });
  await ensureStreams(await jetstreamManager(connection), names, {
    telemetryMaxBytes: config.telemetryMaxBytes,
  });
  const snapshot = await startRegistrySnapshot(connection, names, logger);
  const presence = new WorkerPresence();
  const heartbeats = subscribeHeartbeats(connection, names.workerHeartbeatSubject, presence, logger);
  const records = new RequestRecordPublisher(connection, names, logger.child({ component: 'telemetry' }));
  const dispatcher = new JobDispatcher(connection, names, config.routerId, logger);
  dispatcher.start();
  const load = new LoadView();
  const loadSubscription = subscribeLoadSnapshots(connection, names.monitorLoadSubject, load, logger);
  const metricsRegistry = createMetricsRegistry('router');
  const breakers = new ModelCircuitBreakers({
    failures: config.breakerFailures,
    halfOpenAfterMs: config.breakerHalfOpenAfterMs,
    onStateChange: createCircuitStateMetric(metricsRegistry),
  });
  const serviceTimes = new ServiceTimeEstimator();

  // A request must fit in one NATS message together with its job envelope.
  const maxRequestBytes = Math.min(config.maxRequestBytes, connection.info!.max_payload - JOB_ENVELOPE_BYTES);
  const server = await startGrpcServer({
    host: config.host,
    port: config.port,
    logger,
    maxReceiveMessageBytes: Math.max(4 * 1024 * 1024, maxRequestBytes * 2),
    services: [
      serve(
        GRPCInferenceService,
        createInferenceHandlers({
          snapshot,
          presence,
          dispatcher,
          records,
          load,
          breakers,
          serviceTimes,
          selector: new ModelSelector({ snapshot, presence, load, serviceTimes, breakers }),
          shadows: new ShadowTraffic(
            dispatcher,
            records,
            maxRequestBytes,
            logger.child({ component: 'shadow' }),
          ),
          auth: { mode: config.auth, defaultTier: config.defaultTier },
          tiers: config.tiers,
          serverVersion,
          defaultTimeoutMs: config.defaultTimeoutMs,
          maxRequestBytes,
          limits: config.limits,
          isReady: () => !connection.isClosed() && !connection.isDraining(),
          logger: logger.child({ component: 'inference' }),
          observer: createRouterMetrics(metricsRegistry, snapshot),
        }),
      ),
    ],
  });
  server.setServing(true);
  const metrics = await startMetricsServer({
    host: config.metricsHost,
    port: config.metricsPort,
    registry: metricsRegistry,
    logger,
  });
  logger.info(
    { port: server.port, metricsPort: metrics.port, routerId: config.routerId, maxRequestBytes },
    'router started',
  );

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    server.setServing(false);
    await server.stop(STOP_GRACE_MS);
    dispatcher.stop();
    records.flush();
    heartbeats.unsubscribe();
    loadSubscription.unsubscribe();
    await snapshot.stop();
    await connection.drain();
    // Last, so the final counts of a draining router can still be scraped.
    await metrics.stop();
    logger.info('router stopped');
  };
  return { port: server.port, metricsPort: metrics.port, stop: () => (stopping ??= stop()) };
}
