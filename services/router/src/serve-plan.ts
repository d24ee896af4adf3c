import { StatusCode, SwitchboardError } from '@switchboard/errors';
import type { Priority } from '@switchboard/nats';
import type { JobResult, ModelInferRequest, ModelSpec } from '@switchboard/protocol';
import { decodeInferInputs, validateRequestedOutputs } from '@switchboard/tensors';
import { BrokenCircuitError } from 'cockatiel';
import type { JobDispatcher } from './job-dispatcher.js';
import type { LoadView } from './selection/load-view.js';
import type { ModelCircuitBreakers } from './model-circuit-breakers.js';
import type { Decision } from './selection/model-selector.js';
import type { Prediction } from './selection/choose-feasible.js';
import { AttemptTimeoutError } from './errors.js';
import { isModelFailure } from './is-model-failure.js';
import type { ServiceTimeEstimator } from './selection/service-time-estimator.js';

/** A request's attempt may run this many times its predicted latency before the next model is tried. */
const ATTEMPT_TIMEOUT_FACTOR = 3;
/** The shortest an attempt is given before falling back, so a fast prediction does not cut it off early. */
const MIN_ATTEMPT_MS = 100;

/** One model that answered (or failed) on the way to the final answer. */
export interface Step {
  model: ModelSpec;
  costMicros: number;
  confidence: number | undefined;
  /** The gRPC status of this step; 0 when it answered. */
  statusCode: number;
}

/** How a plan ended: the answering step's result and every step taken. */
export interface PlanOutcome {
  result: JobResult;
  served: Prediction;
  steps: Step[];
  /** Why the serving model served: the decision's reason, or how the plan moved on to it. */
  reason: string;
}

export interface ServePlanContext {
  dispatcher: JobDispatcher;
  load: LoadView;
  serviceTimes: ServiceTimeEstimator;
  breakers: ModelCircuitBreakers;
  maxRequestBytes: number;
}

export interface PlanRequest {
  requestId: string;
  /** Deduplicates the first attempt's job across routers (see Job.result_key); empty for none. */
  resultKey: string;
  request: ModelInferRequest;
  route: string;
  /** The tenant the request counts against (a registry tenant or "anonymous"), and its tier's share weight. */
  tenant: string;
  tenantWeight: number;
  priority: Priority;
  deadlineUnixMs: number;
  budgetEndUnixMs: number;
  maxCostMicros: number | undefined;
  /** The request's complexity, for learning service times. */
  complexity: number;
}

const isDeadlineExceeded = (error: unknown) =>
  error instanceof SwitchboardError && error.code === StatusCode.DEADLINE_EXCEEDED;

const mayTryAnother = (error: unknown) => isModelFailure(error) || error instanceof BrokenCircuitError;

/**
 * Serves a request by its decision: tries the plan's models in order, moving on when one fails or
 * times out (a fallback) or, in a cascade, when its answer's confidence is below the threshold (an
 * escalation). An escalation happens only while the next model is predicted to finish within the
 * latency budget and keep the total cost under the cap; a fallback only while the deadline allows.
 * @param steps receives every step as it is taken, so the caller sees them even when this throws.
 * @throws the last model's error when no model answered, or the first non-model error (e.g. the
 *   request does not fit the chosen model's inputs).
 */
export async function servePlan(
  context: ServePlanContext,
  decision: Decision,
  planRequest: PlanRequest,
  steps: Step[],
): Promise<PlanOutcome> {
  let lastError: unknown;
  let reason: string = decision.reason;
  let answered: PlanOutcome | undefined;
  for (const [index, prediction] of decision.plan.entries()) {
    if (answered === undefined && steps.length >= decision.maxAttempts) break;
    const remainingMs = planRequest.deadlineUnixMs - Date.now();
    if (answered !== undefined && !mayEscalate(prediction, planRequest, steps)) break;
    if (answered === undefined && index > 0 && prediction.latencyMs > remainingMs) continue;
    // The last model to try gets the whole deadline: no successor needs time left over.
    const isLast =
      index === decision.plan.length - 1 ||
      (answered === undefined && steps.length + 1 >= decision.maxAttempts);
    try {
      const result = await attempt(context, planRequest, prediction, index, isLast);
      const confidence = result.confidence;
      steps.push({ model: prediction.model, costMicros: prediction.costMicros, confidence, statusCode: 0 });
      if (answered !== undefined) reason = 'cascade_escalated';
      answered = { result, served: prediction, steps, reason };
      const threshold = decision.cascadeThreshold;
      if (threshold === undefined || confidence === undefined || confidence >= threshold) break;
    } catch (error) {
      if (!mayTryAnother(error)) throw error;
      lastError = error;
      steps.push({
        model: prediction.model,
        costMicros: 0,
        confidence: undefined,
        statusCode: codeOf(error),
      });
      // A cascade that already has an answer keeps it rather than fail.
      if (answered !== undefined) break;
      reason = 'fallback';
    }
  }
  if (answered === undefined) throw lastError ?? new Error('the decision planned no model');
  return answered;
}

function codeOf(error: unknown): number {
  return error instanceof SwitchboardError ? error.code : StatusCode.UNAVAILABLE;
}

/** Whether a cascade may escalate to `next`: within the latency budget and the cost cap. */
function mayEscalate(next: Prediction, planRequest: PlanRequest, steps: Step[]): boolean {
  const remainingBudgetMs = planRequest.budgetEndUnixMs - Date.now();
  const spentMicros = steps.reduce((sum, step) => sum + step.costMicros, 0);
  const withinCap =
    planRequest.maxCostMicros === undefined || spentMicros + next.costMicros <= planRequest.maxCostMicros;
  return next.latencyMs <= remainingBudgetMs && withinCap;
}

/** Sends the request to one model through its circuit and returns its successful result. */
async function attempt(
  context: ServePlanContext,
  planRequest: PlanRequest,
  prediction: Prediction,
  index: number,
  isLast: boolean,
): Promise<JobResult> {
  const { model } = prediction;
  decodeInferInputs(planRequest.request, model.inputs, { maxRequestBytes: context.maxRequestBytes });
  validateRequestedOutputs(planRequest.request, model.outputs);
  const startedAtMs = Date.now();
  // Leave time for the next model unless this is the last one to try.
  const deadlineUnixMs = isLast
    ? planRequest.deadlineUnixMs
    : Math.min(
        planRequest.deadlineUnixMs,
        Math.max(
          planRequest.budgetEndUnixMs,
          startedAtMs + Math.ceil(Math.max(MIN_ATTEMPT_MS, ATTEMPT_TIMEOUT_FACTOR * prediction.latencyMs)),
        ),
      );
  const job = {
    // Each attempt is its own job: JetStream drops a second publish with the same message id.
    requestId: index === 0 ? planRequest.requestId : `${planRequest.requestId}:${index + 1}`,
    // Only the first attempt is deduplicated: fallbacks and escalations depend on this router's view.
    resultKey: index === 0 ? planRequest.resultKey : '',
    model: model.name,
    version: model.version,
    route: planRequest.route,
    request: planRequest.request,
    priority: planRequest.priority,
    tenant: planRequest.tenant,
    tenantWeight: planRequest.tenantWeight,
  };
  // Shorter than the request's deadline: a timeout then is the model's fault, not the client's.
  const cutShort = deadlineUnixMs < planRequest.deadlineUnixMs;
  context.load.jobStarted(model.name);
  try {
    return await context.breakers.execute(model, async () => {
      try {
        const result = await context.dispatcher.dispatch(job, deadlineUnixMs);
        // Execution only: time waiting inside a busy worker is queueing, which the load view counts
        // (as in-flight jobs), and learning it as service time would keep a model that was once
        // overloaded looking slow long after its queue drained.
        const executeMs = Number(result.timings?.executeUs ?? 0n) / 1000;
        context.serviceTimes.observe(model.name, planRequest.complexity, executeMs);
        return result;
      } catch (error) {
        if (!cutShort || !isDeadlineExceeded(error)) throw error;
        throw new AttemptTimeoutError(model.name, Math.round(deadlineUnixMs - startedAtMs), { cause: error });
      }
    });
  } finally {
    context.load.jobFinished(model.name);
  }
}
