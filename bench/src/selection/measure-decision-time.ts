import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { createSubjectNames } from '@switchboard/nats';
import type { ModelInferRequest, ModelLoad } from '@switchboard/protocol';
import { startRegistrySnapshot } from '@switchboard/registry-snapshot';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { subscribeHeartbeats, WorkerPresence } from '@switchboard/worker-presence';
import {
  LoadView,
  ModelCircuitBreakers,
  ModelSelector,
  ServiceTimeEstimator,
} from '@switchboard/router/selection';
import type { Requester, SelectionConstraints, Target } from '@switchboard/router/selection';
import { waitFor } from '@switchboard/local-infra';
import { build } from 'hdr-histogram-js';
import type { WorkloadRequest } from './create-workload.js';
import { MODEL_ZOO, ROUTE_BY_MODALITY, TIERS } from './model-zoo.js';

/** What the in-process selector is timed on, and the state it decides against. */
export interface DecisionTimingOptions {
  readonly connection: NatsConnection;
  readonly namespace: string;
  readonly workload: readonly WorkloadRequest[];
  readonly requests: readonly ModelInferRequest[];
  /** Timed `decide()` calls, taking the workload's requests in turn. */
  readonly calls: number;
  /** Untimed calls before, so the JIT has compiled the path. */
  readonly warmupCalls: number;
  /** The load the selector sees: the busiest monitor snapshot of the Switchboard replay. */
  readonly load: readonly ModelLoad[];
  /** Answers measured during the run, to train the service-time estimator as the router's was. */
  readonly observations: readonly { model: string; complexity: number; serviceMs: number }[];
}

/** Decision time percentiles, in microseconds. */
export interface DecisionTiming {
  readonly calls: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

/** The breaker settings the router uses by default (ROUTER_BREAKER_FAILURES, _HALF_OPEN_AFTER). */
const BREAKER_FAILURES = 5;
const BREAKER_HALF_OPEN_AFTER_MS = 5_000;
/** Heartbeats come every 2 s; a few are enough to see every worker. */
const PRESENCE_TIMEOUT_MS = 10_000;

interface DecisionCall {
  readonly request: ModelInferRequest;
  readonly target: Target;
  readonly requester: Requester;
  readonly constraints: SelectionConstraints;
}

function toDecisionCalls(options: DecisionTimingOptions, snapshot: RegistrySnapshot): DecisionCall[] {
  return options.workload.map((request, index) => {
    const route = snapshot.getRoute(ROUTE_BY_MODALITY[request.modality]);
    if (route === undefined)
      throw new Error(`route ${ROUTE_BY_MODALITY[request.modality]} is not in the snapshot`);
    return {
      request: options.requests[index] as ModelInferRequest,
      target: { kind: 'route', route },
      requester: { tier: request.tier, rolloutKey: String(request.index) },
      constraints: {
        budgetMs: request.budgetMs,
        maxCostMicros: undefined,
        minQuality: TIERS[request.tier].minQuality,
        budgetOrigin: request.tightDeadline ? 'the gRPC deadline' : 'the sla_ms parameter',
      },
    };
  });
}

/** Runs `calls` decisions round the prepared list, timing each one when a histogram is given. */
function decide(
  selector: ModelSelector,
  prepared: readonly DecisionCall[],
  calls: number,
  histogram?: ReturnType<typeof build>,
) {
  for (let index = 0; index < calls; index += 1) {
    const { request, target, requester, constraints } = prepared[index % prepared.length] as DecisionCall;
    const startedAt = process.hrtime.bigint();
    selector.decide(request, target, requester, constraints);
    histogram?.recordValue(Number(process.hrtime.bigint() - startedAt));
  }
}

/**
 * Times the router's own selection in this process: a ModelSelector built like the router builds it
 * (registry snapshot from the namespace's KV bucket, worker presence from live heartbeats, load
 * view, trained service-time estimator, circuit breakers), deciding the workload's requests on
 * their routes. Each `decide()` is timed alone with `process.hrtime.bigint()` (nanoseconds, HDR
 * histogram, 3 significant digits), so the figure includes one clock read.
 * @throws Error when the workers' heartbeats do not show every model within 10 s, or a decision throws.
 */
export async function measureDecisionTime(options: DecisionTimingOptions): Promise<DecisionTiming> {
  const names = createSubjectNames(options.namespace);
  const logger = createLogger({ service: 'bench-selection', level: 'warn' });
  const snapshot = await startRegistrySnapshot(options.connection, names, logger);
  const presence = new WorkerPresence();
  const heartbeats = subscribeHeartbeats(options.connection, names.workerHeartbeatSubject, presence, logger);
  try {
    await waitFor(async () => MODEL_ZOO.every((model) => presence.isServed(model.name)), {
      timeoutMs: PRESENCE_TIMEOUT_MS,
      intervalMs: 100,
      message: 'heartbeats of the workers serving every model',
    });
    const serviceTimes = new ServiceTimeEstimator();
    for (const { model, complexity, serviceMs } of options.observations)
      serviceTimes.observe(model, complexity, serviceMs);
    const breakers = new ModelCircuitBreakers({
      failures: BREAKER_FAILURES,
      halfOpenAfterMs: BREAKER_HALF_OPEN_AFTER_MS,
    });
    const load = new LoadView();
    const selector = new ModelSelector({ snapshot, presence, load, serviceTimes, breakers });
    const prepared = toDecisionCalls(options, snapshot);
    // Applied now, because the load view ignores snapshots older than 5 s.
    load.apply(options.load);
    decide(selector, prepared, options.warmupCalls);
    const histogram = build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 1_000_000_000,
      numberOfSignificantValueDigits: 3,
    });
    decide(selector, prepared, options.calls, histogram);
    return {
      calls: options.calls,
      p50Us: histogram.getValueAtPercentile(50) / 1000,
      p99Us: histogram.getValueAtPercentile(99) / 1000,
      maxUs: histogram.maxValue / 1000,
    };
  } finally {
    heartbeats.unsubscribe();
    await snapshot.stop();
  }
}
