import { readFileSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { createGrpcClient, startGrpcServer, serve } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import { createMetricsRegistry, startMetricsServer } from '@switchboard/metrics';
import { connectNats, createSubjectNames, ensureStreams, openResultCache } from '@switchboard/nats';
import {
  FeedbackService,
  GRPCInferenceService,
  MonitorService,
  ResourceManagerService,
} from '@switchboard/protocol';
import { startRegistrySnapshot } from '@switchboard/registry-snapshot';
import { openDecisionsBucket, openPolicyStore } from '@switchboard/routing-policy';
import { subscribeHeartbeats, WorkerPresence } from '@switchboard/worker-presence';
import { Admission } from './admission/admission.js';
import { TenantConcurrency } from './admission/tenant-concurrency.js';
import { openRateLimitBucket, TenantRateLimits } from './admission/tenant-rate-limits.js';
import type { RouterConfig } from './config.js';
import { CachedResults } from './dedup/cached-results.js';
import { DecisionRecorder } from './decision-recorder.js';
import { createFeedbackHandlers } from './feedback-service.js';
import { createInferenceHandlers } from './grpc-server.js';
import type { InferenceServiceOptions } from './grpc-server.js';
import { createHttpMetrics } from './http/http-metrics.js';
import { createHttpRoutes } from './http/http-routes.js';
import { startHttpServer } from './http/start-http-server.js';
import type { RunningHttpServer } from './http/start-http-server.js';
import { JobDispatcher } from './job-dispatcher.js';
import { LoadView, subscribeLoadSnapshots } from './selection/load-view.js';
import { ModelCircuitBreakers } from './model-circuit-breakers.js';
import { ModelSelector } from './selection/model-selector.js';
import { PolicyWatcher } from './selection/policy-watcher.js';
import { ServiceTimeEstimator } from './selection/service-time-estimator.js';
import { ShadowTraffic } from './shadow-traffic.js';
import { RequestRecordPublisher } from './request-telemetry.js';
import {
  createCircuitStateMetric,
  createDecisionFailureMetric,
  createRouterMetrics,
} from './router-metrics.js';

/** Time in-flight calls get to finish when the router stops. */
const STOP_GRACE_MS = 5_000;
/** Bytes NATS needs for the job envelope around a request's inputs. */
const JOB_ENVELOPE_BYTES = 64 * 1024;
/** The smallest request message (gRPC) or body (HTTP) accepted, whatever ROUTER_MAX_REQUEST_BYTES says. */
const MIN_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Room for the HTTP request line (method, path) beside ROUTER_MAX_METADATA_BYTES of headers. */
const REQUEST_LINE_BYTES = 4 * 1024;

const { version: serverVersion } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

/** A started router. */
export interface RunningRouter {
  /** The bound OIP gRPC port. */
  readonly port: number;
  /** The bound KServe v2 HTTP/REST port; undefined when the HTTP door is off. */
  readonly httpPort: number | undefined;
  /** The bound port of the Prometheus /metrics endpoint. */
  readonly metricsPort: number;
  /** Stops accepting calls, answers in-flight ones (UNAVAILABLE if they cannot finish) and disconnects. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the router: the OIP gRPC front door and the Feedback service on `config.port`, the KServe
 * v2 HTTP/REST door on `config.httpPort` (the same request path), backed by
 * the registry snapshot, the worker heartbeats, the routes' learned policies (KV `policy`), the
 * INFER job queue and the decisions bucket feedback is joined against.
 */
export async function startRouter(config: RouterConfig, logger: Logger): Promise<RunningRouter> {
  const names = createSubjectNames(config.namespace);
  const connection = await connectNats({ ...config.nats, name: `router-${config.routerId}`, logger });
  // INFER, DEADLETTER, TELEMETRY and FEEDBACK (where Feedback publishes), whoever starts first.
  await ensureStreams(await jetstreamManager(connection), names, {
    kinds: ['infer', 'dead-letter', 'telemetry', 'feedback'],
    telemetryMaxBytes: config.telemetryMaxBytes,
    replicas: config.natsStreamReplicas,
  });
  const snapshot = await startRegistrySnapshot(connection, names, logger, {
    replicas: config.natsStreamReplicas,
  });
  const presence = new WorkerPresence();
  const heartbeats = subscribeHeartbeats(connection, names.workerHeartbeatSubject, presence, logger);
  const records = new RequestRecordPublisher(connection, names, logger.child({ component: 'telemetry' }));
  const results = new CachedResults(
    await openResultCache(connection, names, {
      maxBytes: config.resultCacheMaxBytes,
      replicas: config.natsStreamReplicas,
    }),
    logger.child({ component: 'results' }),
  );
  const dispatcher = new JobDispatcher(connection, names, config.routerId, logger, results);
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
  const policies = new PolicyWatcher({
    store: await openPolicyStore(connection, names, { replicas: config.natsStreamReplicas }),
    snapshot,
    logger: logger.child({ component: 'policies' }),
  });
  await policies.start();
  const decisions = new DecisionRecorder({
    bucket: await openDecisionsBucket(connection, names, {
      maxBytes: config.decisionsMaxBytes,
      replicas: config.natsStreamReplicas,
    }),
    logger: logger.child({ component: 'decisions' }),
    onFailure: createDecisionFailureMetric(metricsRegistry),
  });
  const auth = {
    mode: config.auth,
    defaultTier: config.defaultTier,
    anonymousAccess: config.anonymousAccess,
  };
  const admission = new Admission({
    load,
    concurrency: new TenantConcurrency(),
    rateLimits: new TenantRateLimits(
      await openRateLimitBucket(connection, names, config.natsStreamReplicas),
      config.tiers,
    ),
    maxQueuedPerModel: config.maxQueuedPerModel,
  });

  // A request must fit in one NATS message together with its job envelope.
  const maxRequestBytes = Math.min(config.maxRequestBytes, connection.info!.max_payload - JOB_ENVELOPE_BYTES);
  // Asked only by ModelStatistics and RepositoryModelLoad/Unload; grpc-js connects on first use.
  const clientOptions = { tls: config.grpcTls.client };
  const monitor = createGrpcClient(MonitorService, config.monitorAddress, clientOptions);
  const resourceManager = createGrpcClient(
    ResourceManagerService,
    config.resourceManagerAddress,
    clientOptions,
  );
  // Encoded as JSON, tensors take several times their binary size; the body bound is the gRPC door's.
  const maxMessageBytes = Math.max(MIN_MESSAGE_BYTES, maxRequestBytes * 2);
  const inference: InferenceServiceOptions = {
    snapshot,
    presence,
    dispatcher,
    records,
    load,
    breakers,
    serviceTimes,
    selector: new ModelSelector({ snapshot, presence, load, serviceTimes, breakers, policies }),
    shadows: new ShadowTraffic(dispatcher, records, maxRequestBytes, logger.child({ component: 'shadow' })),
    auth,
    tiers: config.tiers,
    serverVersion,
    timeouts: { defaultMs: config.defaultTimeoutMs, maxMs: config.maxDeadlineMs },
    admission,
    maxRequestBytes,
    limits: config.limits,
    isReady: () => !connection.isClosed() && !connection.isDraining(),
    logger: logger.child({ component: 'inference' }),
    observer: createRouterMetrics(metricsRegistry, snapshot),
    decisions,
    monitor,
    monitorAddress: config.monitorAddress,
    resourceManager,
    resourceManagerAddress: config.resourceManagerAddress,
  };
  const server = await startGrpcServer({
    host: config.host,
    port: config.port,
    logger,
    maxReceiveMessageBytes: maxMessageBytes,
    tls: config.grpcTls.server,
    healthPort: config.grpcTls.healthPort,
    services: [
      serve(GRPCInferenceService, createInferenceHandlers(inference)),
      serve(
        FeedbackService,
        createFeedbackHandlers({
          decisions,
          connection,
          names,
          snapshot,
          auth,
          maxIdBytes: config.limits.maxIdBytes,
          logger: logger.child({ component: 'feedback' }),
        }),
      ),
    ],
  });
  let http: RunningHttpServer | undefined;
  if (config.httpPort !== undefined) {
    try {
      http = await startHttpServer({
        host: config.httpHost,
        port: config.httpPort,
        logger,
        observe: createHttpMetrics(metricsRegistry),
        maxHeaderBytes: config.limits.maxMetadataBytes + REQUEST_LINE_BYTES,
        // One certificate for both doors: an API key never crosses HTTP in the clear beside gRPC TLS.
        tls: config.grpcTls.server,
        routes: createHttpRoutes({
          ...inference,
          maxBodyBytes: maxMessageBytes,
          isStopping: () => http?.stopping ?? false,
        }),
      });
    } catch (error) {
      await server.stop(0);
      throw error;
    }
  }
  server.setServing(true);
  const metrics = await startMetricsServer({
    host: config.metricsHost,
    port: config.metricsPort,
    registry: metricsRegistry,
    logger,
  });
  logger.info(
    {
      port: server.port,
      httpPort: http?.port,
      metricsPort: metrics.port,
      routerId: config.routerId,
      maxRequestBytes,
    },
    'router started',
  );

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    server.setServing(false);
    await Promise.all([server.stop(STOP_GRACE_MS), http?.stop(STOP_GRACE_MS)]);
    dispatcher.stop();
    monitor.close();
    resourceManager.close();
    records.flush();
    await decisions.stop();
    await policies.stop();
    heartbeats.unsubscribe();
    loadSubscription.unsubscribe();
    await snapshot.stop();
    await connection.drain();
    // Last, so the final counts of a draining router can still be scraped.
    await metrics.stop();
    logger.info('router stopped');
  };
  return {
    port: server.port,
    httpPort: http?.port,
    metricsPort: metrics.port,
    stop: () => (stopping ??= stop()),
  };
}
