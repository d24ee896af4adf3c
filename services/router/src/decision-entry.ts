import type { ModelInferRequest } from '@switchboard/protocol';
import type { Tenant } from './authenticate.js';
import type { DecisionEntry } from './decision-recorder.js';
import type { RequestRecordInit } from './request-telemetry.js';
import type { Decision } from './selection/model-selector.js';
import type { Step } from './serve-plan.js';

/** What the request path knows of a route request once it is answered. */
export interface AnsweredRouteRequest {
  tenant: Tenant;
  /** The client's request id, else the router's: what Feedback quotes. */
  requestId: string;
  route: string;
  decision: Decision;
  /** The request's latency budget, in milliseconds. */
  budgetMs: number;
}

/**
 * The decision record of an answered (or failed) route request: the model that served — the last
 * one tried — with what the policy knew, and every cascade step passed over for low confidence.
 */
export function toDecisionEntry(
  answered: AnsweredRouteRequest,
  request: ModelInferRequest,
  record: RequestRecordInit,
  steps: readonly Step[],
): DecisionEntry {
  const { decision, tenant } = answered;
  const served = steps.at(-1);
  const statusCode = record.statusCode ?? 0;
  const latencyUs = record.latencyUs ?? 0n;
  const budgetUs = BigInt(Math.round(answered.budgetMs * 1000));
  const escalatedSteps = [];
  for (const step of steps.slice(0, -1)) {
    // An answer that did not end the plan was passed over for its confidence; a failure was not.
    if (step.statusCode === 0) {
      escalatedSteps.push({
        model: step.model.name,
        costMicros: step.costMicros,
        confidence: step.confidence ?? 0,
      });
    }
  }
  return {
    tenant: tenant.name,
    requestId: answered.requestId,
    request,
    featureIndices: decision.featureIndices,
    escalatedSteps,
    record: {
      route: answered.route,
      model: served?.model.name ?? decision.plan[0]?.model.name ?? '',
      version: served?.model.version ?? decision.plan[0]?.model.version ?? '',
      tier: tenant.tier,
      policyVersion: decision.policyVersion,
      propensity: decision.propensity,
      costMicros: served?.costMicros ?? 0,
      // A request that was not answered missed its budget as surely as a late one.
      sloMissed: statusCode !== 0 || latencyUs > budgetUs,
      statusCode,
      ...(served?.confidence === undefined ? {} : { confidence: served.confidence }),
      escalated: false,
      answeredUnixMs: BigInt(Date.now()),
      latencyUs,
      budgetUs,
    },
  };
}
