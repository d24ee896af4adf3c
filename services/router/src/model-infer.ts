import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { toStatusData } from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';
import type { ModelInferRequest, ModelInferResponseSchema } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { modalityName } from './selection/analyse-request.js';
import type { Admission } from './admission/admission.js';
import { authenticate } from './authenticate.js';
import type { CallMetadata } from './call-metadata.js';
import type { AuthenticationOptions, Tenant } from './authenticate.js';
import type { TierSettings } from './config.js';
import type { DecisionRecorder } from './decision-recorder.js';
import { toDecisionEntry } from './decision-entry.js';
import { shadowModels } from './selection/eligible-candidates.js';
import type { Decision, ModelSelector, Target } from './selection/model-selector.js';
import type { RequestObserver } from './request-observer.js';
import { checkRequestLimits } from './request-limits.js';
import type { RequestLimits } from './request-limits.js';
import { resultKey } from './dedup/result-key.js';
import { readRequestOptions } from './request-options.js';
import type { BudgetSource, RequestOptions, RequestTimeouts } from './request-options.js';
import { annotateRequestSpan } from './request-span.js';
import { resultRecordFields } from './request-telemetry.js';
import type { RequestRecordInit, RequestRecordPublisher } from './request-telemetry.js';
import { resolveTarget } from './resolve-target.js';
import { checkTenantAccess } from './tenant-access.js';
import { responseParameters } from './response-parameters.js';
import { servePlan } from './serve-plan.js';
import type { PlanRequest, ServePlanContext, Step } from './serve-plan.js';
import type { ShadowTraffic } from './shadow-traffic.js';

export interface ModelInferOptions extends ServePlanContext {
  snapshot: RegistrySnapshot;
  selector: ModelSelector;
  records: RequestRecordPublisher;
  shadows: ShadowTraffic;
  auth: AuthenticationOptions;
  /** Settings per tier; the default tier's apply to tenants of a tier not listed. */
  tiers: Readonly<Record<string, TierSettings>>;
  timeouts: RequestTimeouts;
  /** Refuses, with a retry delay, what would overload a model or exceed a tenant's limits. */
  admission: Admission;
  /** Bounds on the sizes a client controls, checked before anything else. */
  limits: RequestLimits;
  logger: Logger;
  /** Told when each call starts and ends (with its telemetry record), e.g. for Prometheus metrics. */
  observer?: RequestObserver;
  /** Where the decision of each answered route request is recorded for feedback; none when absent. */
  decisions?: DecisionRecorder;
}

/** What the call says besides the request message, through either door. */
export interface CallContext {
  /** The client's deadline (gRPC's); Infinity when it set none. */
  deadline: Date | number;
  /** gRPC metadata, or HTTP headers one to one: the API key, trace context. */
  metadata: CallMetadata;
}

type Response = MessageInitShape<typeof ModelInferResponseSchema>;

const BUDGET_ORIGINS: Record<BudgetSource, string> = {
  deadline: 'the gRPC deadline or timeout parameter',
  sla_ms: 'the sla_ms parameter',
  tier: 'the tenant tier default',
};

/**
 * The ModelInfer flow: authenticate, resolve the name, decide which model(s) serve the request, send
 * shadow copies, serve it (cascade and fallbacks included) until the deadline, answer — and publish
 * one telemetry record for the request however it ends, and for a route request its decision record.
 */
export function createModelInfer(options: ModelInferOptions) {
  return async (request: ModelInferRequest, call: CallContext): Promise<Response> => {
    const startedAt = performance.now();
    options.observer?.requestStarted();
    const steps: Step[] = [];
    // Names in the record come from the registry only (the model and route resolved), never from
    // the request: a name a client makes up must not become a telemetry subject or a figure's key.
    const record: RequestRecordInit = { requestId: randomUUID() };
    let admitted: AdmittedRequest | undefined;
    let leave: (() => void) | undefined;
    try {
      admitted = admit(options, request, call, record);
      const { tenant, tier, decision, requestOptions } = admitted;
      leave = await options.admission.enter({ tenant, tier, decision, ...requestOptions });
      const response = await serve(options, admitted, request, record, steps);
      record.statusCode = 0;
      return response;
    } catch (error) {
      record.statusCode = toStatusData(error).code;
      throw error;
    } finally {
      leave?.();
      record.cascadeSteps = Math.max(1, steps.length);
      record.attempts = steps.map((step) => ({
        model: step.model.name,
        version: step.model.version,
        statusCode: step.statusCode,
      }));
      record.latencyUs = BigInt(Math.round((performance.now() - startedAt) * 1000));
      annotateRequestSpan(record);
      options.observer?.requestFinished(record, steps);
      // Once the answer is on its way: a learned decision's propensity is estimated when read,
      // and a decision record may featurise the prompt.
      setImmediate(() => publishRecords(options, record, request, admitted, steps));
    }
  };
}

/** Publishes a finished request's telemetry record and, for a route request, its decision record. */
function publishRecords(
  options: ModelInferOptions,
  record: RequestRecordInit,
  request: ModelInferRequest,
  admitted: AdmittedRequest | undefined,
  steps: readonly Step[],
): void {
  record.propensity = admitted?.decision.propensity ?? 1;
  options.records.publish(record);
  if (admitted?.target.kind !== 'route') return;
  const { tenant, rolloutKey: requestId, route, decision, requestOptions } = admitted;
  const answered = { tenant, requestId, route, decision, budgetMs: requestOptions.budgetMs };
  options.decisions?.record(toDecisionEntry(answered, request, record, steps));
}

/** Who asked for what, under which constraints, and the plan to serve it. */
interface AdmittedRequest {
  requestId: string;
  tenant: Tenant;
  /** The settings of the tenant's tier (the default tier's when its own has none). */
  tier: TierSettings;
  /** The share weight of the tenant's tier, which every job of the request carries. */
  tenantWeight: number;
  target: Target;
  /** The route called; empty when the client named a model. */
  route: string;
  /** The client's request id, else Switchboard's: it splits rollouts and feedback quotes it. */
  rolloutKey: string;
  requestOptions: RequestOptions;
  decision: Decision;
}

/** Authenticates, resolves and plans a request, recording what it learns in `record`. */
function admit(
  options: ModelInferOptions,
  request: ModelInferRequest,
  call: CallContext,
  record: RequestRecordInit,
): AdmittedRequest {
  const requestId = record.requestId ?? '';
  checkRequestLimits(request, call.metadata, options.limits);
  const tenant = authenticate(call.metadata, options.snapshot, options.auth);
  record.tenant = tenant.name;
  const target = resolveTarget(options.snapshot, request.modelName, request.modelVersion, tenant.access);
  checkTenantAccess(tenant, target);
  const route = target.kind === 'route' ? target.route.name : '';
  record.route = route;
  const tier = options.tiers[tenant.tier] ?? (options.tiers[options.auth.defaultTier] as TierSettings);
  const requestOptions = readRequestOptions(request, call.deadline, options.timeouts, tier);
  // The client's id splits rollouts, so its retries land on the same arm.
  const rolloutKey = request.id || requestId;
  const decision = options.selector.decide(
    request,
    target,
    { tier: tenant.tier, rolloutKey },
    { ...requestOptions, budgetOrigin: BUDGET_ORIGINS[requestOptions.budgetSource] },
  );
  const first = decision.plan[0]?.model;
  Object.assign(record, {
    model: first?.name,
    version: first?.version,
    requestClass: modalityName(decision.analysis.modality),
    priority: requestOptions.priority,
    reason: decision.reason,
    policyVersion: decision.policyVersion,
  });
  const tenantWeight = tier.shareWeight;
  return { requestId, tenant, tier, tenantWeight, target, route, rolloutKey, requestOptions, decision };
}

function sendShadows(
  options: ModelInferOptions,
  admitted: AdmittedRequest,
  request: ModelInferRequest,
): void {
  const { target, rolloutKey } = admitted;
  if (target.kind !== 'route' || target.route.shadows.length === 0) return;
  options.shadows.send(shadowModels(target.route, options.snapshot, rolloutKey), {
    requestId: admitted.requestId,
    request,
    route: admitted.route,
    tenant: admitted.tenant.name,
    tenantWeight: admitted.tenantWeight,
    requestClass: modalityName(admitted.decision.analysis.modality),
    complexity: admitted.decision.analysis.complexity,
    deadlineUnixMs: admitted.requestOptions.deadlineUnixMs,
  });
}

function planRequestOf(admitted: AdmittedRequest, request: ModelInferRequest): PlanRequest {
  const { requestOptions } = admitted;
  return {
    requestId: admitted.requestId,
    resultKey: resultKey(admitted.tenant.name, request),
    request,
    route: admitted.route,
    tenant: admitted.tenant.name,
    tenantWeight: admitted.tenantWeight,
    priority: requestOptions.priority,
    deadlineUnixMs: requestOptions.deadlineUnixMs,
    budgetEndUnixMs: Date.now() + requestOptions.budgetMs,
    maxCostMicros: requestOptions.maxCostMicros,
    complexity: admitted.decision.analysis.complexity,
  };
}

/** Serves one admitted request, filling `record` and `steps` with what it learns on the way. */
async function serve(
  options: ModelInferOptions,
  admitted: AdmittedRequest,
  request: ModelInferRequest,
  record: RequestRecordInit,
  steps: Step[],
): Promise<Response> {
  sendShadows(options, admitted, request);
  const outcome = await servePlan(options, admitted.decision, planRequestOf(admitted, request), steps);
  const { result, served, reason } = outcome;
  const costMicros = steps.reduce((sum, step) => sum + step.costMicros, 0);
  Object.assign(record, {
    model: served.model.name,
    version: served.model.version,
    reason,
    costMicros,
    ...resultRecordFields(result),
  });
  const { requestId, route, tenant, requestOptions } = admitted;
  options.logger.debug(
    {
      requestId,
      route,
      tenant: tenant.name,
      model: served.model.name,
      reason,
      tried: steps.map((step) => step.model.name),
      predictedMs: served.latencyMs,
      budgetMs: requestOptions.budgetMs,
    },
    'request answered',
  );
  const facts = {
    route,
    tenant: tenant.name,
    budgetMs: requestOptions.budgetMs,
    costMicros,
    requestId: admitted.rolloutKey,
  };
  return {
    modelName: request.modelName,
    modelVersion: served.model.version,
    id: request.id,
    outputs: result.response?.outputs ?? [],
    rawOutputContents: result.response?.rawOutputContents ?? [],
    parameters: { ...result.response?.parameters, ...responseParameters(outcome, facts) },
  };
}
