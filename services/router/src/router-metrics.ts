import { statusCodeName } from '@switchboard/errors';
import { Counter, DURATION_BUCKETS_SECONDS, Gauge, Histogram } from '@switchboard/metrics';
import type { Registry } from '@switchboard/metrics';
import { UNKNOWN_NAME } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import type { DecisionWriteFailureObserver } from './decision-recorder.js';
import type { CircuitStateObserver } from './model-circuit-breakers.js';
import type { RequestObserver } from './request-observer.js';
import type { RequestRecordInit } from './request-telemetry.js';
import type { Step } from './serve-plan.js';

const MICROS_PER_SECOND = 1_000_000;
/** Costs travel in millionths of a dollar; Prometheus wants base units. */
const MICRODOLLARS_PER_DOLLAR = 1_000_000;

/** The router's metric families, registered on `registry`. */
function createInstruments(registry: Registry) {
  const registers = [registry];
  const durationHistogram = (name: string, help: string, labelNames: string[]) =>
    new Histogram({ name, help, labelNames, buckets: [...DURATION_BUCKETS_SECONDS], registers });
  return {
    requests: new Counter({
      name: 'switchboard_inference_requests_total',
      help: 'ModelInfer requests answered, by model, route ("" when a model was named) and gRPC status code name.',
      labelNames: ['model', 'route', 'code'],
      registers,
    }),
    duration: durationHistogram(
      'switchboard_inference_request_duration_seconds',
      'End-to-end ModelInfer duration in the router, successful requests.',
      ['model', 'route'],
    ),
    queue: durationHistogram(
      'switchboard_inference_queue_duration_seconds',
      'Time a successful request waited before running: in JetStream plus in the worker batcher.',
      ['model'],
    ),
    compute: durationHistogram(
      'switchboard_inference_compute_duration_seconds',
      'Runtime execution time of the batch that answered a successful request.',
      ['model'],
    ),
    inFlight: new Gauge({
      name: 'switchboard_inference_requests_in_flight',
      help: 'ModelInfer requests received and not yet answered.',
      registers,
    }),
    selections: new Counter({
      name: 'switchboard_router_selections_total',
      help: 'Answered requests by the model that served them and why it was chosen (switchboard.reason).',
      labelNames: ['model', 'route', 'reason'],
      registers,
    }),
    fallbacks: new Counter({
      name: 'switchboard_router_fallbacks_total',
      help: 'Models that failed or timed out on a request, after which the router tried another.',
      labelNames: ['model', 'route'],
      registers,
    }),
    escalations: new Counter({
      name: 'switchboard_router_cascade_escalations_total',
      help: 'Cascade steps whose answer was not confident enough, so a larger model was asked.',
      labelNames: ['model', 'route'],
      registers,
    }),
    cost: new Counter({
      name: 'switchboard_inference_cost_dollars_total',
      help: 'Estimated cost of successful requests from the registry prices, in dollars.',
      labelNames: ['model', 'route'],
      registers,
    }),
  };
}

/**
 * Registers the router's request metrics on `registry` and returns the observer that updates them
 * from each finished request's telemetry record. Names follow Triton's `nv_inference_*` where the
 * meaning is the same; durations are observed for successful requests only, as Triton's are, so
 * fast failures do not drag percentiles down (failures show in `requests_total{code}`).
 */
export function createRouterMetrics(registry: Registry, snapshot: RegistrySnapshot): RequestObserver {
  const { requests, duration, queue, compute, inFlight, cost, selections, fallbacks, escalations } =
    createInstruments(registry);
  return {
    requestStarted: () => inFlight.inc(),
    requestFinished(record: RequestRecordInit, steps: readonly Step[]) {
      inFlight.dec();
      // Clients may send any name; labelling by it would let them create unbounded series.
      const name = record.model ?? '';
      const model = snapshot.getModel(name) === undefined ? UNKNOWN_NAME : name;
      const route = record.route ?? '';
      const code = record.statusCode ?? 0;
      requests.inc({ model, route, code: statusCodeName(code) });
      // Every step but the last made the router try another model.
      for (const step of steps.slice(0, -1)) {
        const counter = step.statusCode === 0 ? escalations : fallbacks;
        counter.inc({ model: step.model.name, route });
      }
      if (code !== 0) return;
      selections.inc({ model, route, reason: record.reason ?? '' });
      duration.observe({ model, route }, toSeconds(record.latencyUs));
      queue.observe({ model }, toSeconds(record.queueWaitUs) + toSeconds(record.batchWaitUs));
      compute.observe({ model }, toSeconds(record.executeUs));
      cost.inc({ model, route }, (record.costMicros ?? 0) / MICRODOLLARS_PER_DOLLAR);
    },
  };
}

/**
 * Registers `switchboard_router_circuit_state` on `registry` and returns the observer that keeps it:
 * per model version 0 closed, 1 open, 2 half-open (cockatiel's numbering), set on every state change.
 */
export function createCircuitStateMetric(registry: Registry): CircuitStateObserver {
  const gauge = new Gauge({
    name: 'switchboard_router_circuit_state',
    help: "State of each model version's circuit breaker in this router: 0 closed, 1 open, 2 half-open.",
    labelNames: ['model', 'version'],
    registers: [registry],
  });
  return (model, version, state) => gauge.set({ model, version }, state);
}

function toSeconds(micros: bigint | undefined): number {
  return Number(micros ?? 0n) / MICROS_PER_SECOND;
}

/**
 * Registers `switchboard_router_decision_write_failures_total` on `registry` and returns the observer
 * that counts: decision records not written because NATS refused them (`nats`) or too many writes
 * were waiting (`overloaded`). Feedback on such a request is answered NOT_FOUND.
 */
export function createDecisionFailureMetric(registry: Registry): DecisionWriteFailureObserver {
  const counter = new Counter({
    name: 'switchboard_router_decision_write_failures_total',
    help: 'Decision records (for joining feedback) not written to KV decisions, by reason: nats or overloaded.',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of ['nats', 'overloaded']) counter.inc({ reason }, 0);
  return (reason) => counter.inc({ reason });
}
