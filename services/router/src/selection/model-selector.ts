import { InfeasibleAction, SelectionObjective } from '@switchboard/protocol';
import type { ModelInferRequest, ModelSpec, RouteSpec } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import type { WorkerPresence } from '@switchboard/worker-presence';
import { analyseRequest } from './analyse-request.js';
import type { RequestAnalysis } from './analyse-request.js';
import { eligibleCandidates } from './eligible-candidates.js';
import type { Requester } from './eligible-candidates.js';
import type { LoadView } from './load-view.js';
import type { ModelCircuitBreakers } from '../model-circuit-breakers.js';
import { planCascade, selectModel } from './choose-feasible.js';
import type { Prediction, SelectionConstraints, SelectionReason } from './choose-feasible.js';
import { rankByLearnedPolicy } from './rank-by-learned-policy.js';
import type { PolicySource } from './rank-by-learned-policy.js';
import type { ServiceTimeEstimator } from './service-time-estimator.js';

/** Models tried per request when a route's policy does not say. */
const DEFAULT_MAX_ATTEMPTS = 3;

/** What a request is called on: a concrete model, or a route and its candidates. */
export type Target = { kind: 'model'; model: ModelSpec } | { kind: 'route'; route: RouteSpec };

/** The router's plan for one request. */
export interface Decision {
  analysis: RequestAnalysis;
  /** Models to try in order: cascade steps, or the chosen model followed by its fallbacks. */
  plan: Prediction[];
  reason: SelectionReason;
  /** A step answering below this confidence escalates to the next; undefined outside cascades. */
  cascadeThreshold: number | undefined;
  /** Models tried at most when they fail. */
  maxAttempts: number;
  /** Version of the learned policy that ranked the plan; 0 when the rules did. */
  policyVersion: bigint;
  /**
   * Probability that the decision put `plan[0]` first, in (0, 1]; 1 under the rules. A learned
   * decision estimates it when it is first read: read it after answering.
   */
  readonly propensity: number;
  /** The prompt's features under the learned policy's settings; undefined under the rules. */
  featureIndices: Uint32Array | undefined;
}

/** What a decision made by the rules says about the learned policy: nothing. */
const RULES = { policyVersion: 0n, propensity: 1, featureIndices: undefined } as const;

/**
 * What serving a request of `complexity` on `model` costs by the registry's prices, in millionths of
 * a US dollar: the per-call price plus the per-unit price times the complexity.
 */
export function estimateCostMicros(model: ModelSpec, complexity: number): number {
  return Number(model.costPerCallMicros) + model.costPerUnitMicros * complexity;
}

/** The live sources predictions are made from. */
export interface ModelSelectorSources {
  snapshot: RegistrySnapshot;
  presence: WorkerPresence;
  load: LoadView;
  serviceTimes: ServiceTimeEstimator;
  breakers: ModelCircuitBreakers;
  /** Routes' learned policies; without it every route decides by its rules. */
  policies?: PolicySource;
  /** Uniform in [0, 1), for the learned policy's exploration. @default Math.random */
  random?: () => number;
}

/**
 * Decides which model serves a request: analyses it, narrows the route to the candidates that accept
 * it, predicts each one's latency (queue wait from live load + service time for this size), cost and
 * quality, and applies the route's cascade, or ranks the feasible models by the route's learned
 * policy when one is published, else by the route's rules. Synchronous and allocation-light: it runs
 * on every request.
 */
export class ModelSelector {
  readonly #random: () => number;

  constructor(private readonly sources: ModelSelectorSources) {
    this.#random = sources.random ?? Math.random;
  }

  /** The modalities a request to `target` may be for, to analyse it against. */
  declaredModalities(target: Target): ModelSpec['modality'][] {
    if (target.kind === 'model') return [target.model.modality];
    const modalities = [];
    for (const candidate of target.route.candidates) {
      const model = this.sources.snapshot.getModel(candidate.model);
      if (model !== undefined) modalities.push(model.modality);
    }
    return modalities;
  }

  /** What `model` is expected to do with a request of `complexity`. */
  predict(model: ModelSpec, complexity: number): Prediction {
    const { presence, load, serviceTimes, breakers } = this.sources;
    const serviceMs = serviceTimes.predictMs(model, complexity);
    const maxBatchSize = model.batching?.maxBatchSize ?? 1;
    const waitMs = load.queueWaitMs(model.name, serviceMs, presence.liveWorkers(model.name), maxBatchSize);
    return {
      model,
      latencyMs: waitMs + serviceMs,
      queueWaitMs: waitMs,
      costMicros: estimateCostMicros(model, complexity),
      quality: model.qualityScore,
      available: breakers.isAvailable(model),
    };
  }

  /**
   * Plans how to serve `request`.
   * @throws InvalidArgumentError when the request is malformed or no route candidate accepts it.
   * @throws UnavailableError, DeadlineExceededError or ResourceExhaustedError when no model can serve
   *   it (see {@link selectModel}).
   */
  decide(
    request: ModelInferRequest,
    target: Target,
    requester: Requester,
    constraints: SelectionConstraints,
  ): Decision {
    const analysis = analyseRequest(request, this.declaredModalities(target));
    if (target.kind === 'route')
      return this.#decideRoute(request, target.route, analysis, requester, constraints);
    // A named model is the client's choice: it is served even when predicted late.
    const prediction = this.predict(target.model, analysis.complexity);
    const selection = selectModel(`model "${target.model.name}"`, [prediction], constraints, {
      objective: SelectionObjective.CHEAPEST,
      whenInfeasible: InfeasibleAction.DEGRADE,
    });
    return {
      analysis,
      ...RULES,
      ...selection,
      plan: selection.ranked,
      cascadeThreshold: undefined,
      maxAttempts: 1,
    };
  }

  /** A route's cascade plan, else its feasible models ranked by its learned policy or its rules. */
  #decideRoute(
    request: ModelInferRequest,
    route: RouteSpec,
    analysis: RequestAnalysis,
    requester: Requester,
    constraints: SelectionConstraints,
  ): Decision {
    const candidates = eligibleCandidates(route, this.sources.snapshot, analysis, requester);
    const predictions = candidates.map((model) => this.predict(model, analysis.complexity));
    const floor = Math.max(constraints.minQuality, route.policy?.minQuality ?? 0);
    const routeConstraints = { ...constraints, minQuality: floor };
    const maxAttempts = route.policy?.maxAttempts || DEFAULT_MAX_ATTEMPTS;
    const decided = { analysis, cascadeThreshold: undefined, maxAttempts };
    const threshold = route.cascade?.confidenceThreshold ?? 0;
    if (threshold > 0) {
      const steps = planCascade(predictions, routeConstraints, route.cascade?.maxSteps ?? 0);
      const cascade = { ...decided, ...RULES, plan: steps, cascadeThreshold: threshold };
      if (steps.length > 0) return { ...cascade, reason: 'cascade_first_step' };
    }
    // The rules decide what is feasible (and what happens when nothing is); a learned policy only
    // reorders the feasible models, so it never overrides a deadline, cap, floor or open circuit.
    const selection = selectModel(`route "${route.name}"`, predictions, routeConstraints, {
      objective: route.policy?.objective ?? SelectionObjective.UNSPECIFIED,
      whenInfeasible: route.policy?.whenInfeasible ?? InfeasibleAction.UNSPECIFIED,
    });
    const learned = threshold > 0 ? undefined : this.sources.policies?.policyFor(route.name);
    if (learned === undefined || selection.reason === 'degraded_fastest') {
      return { ...decided, ...RULES, plan: selection.ranked, reason: selection.reason };
    }
    const ranking = rankByLearnedPolicy(learned, selection.ranked, request, requester.tier, this.#random);
    return {
      ...decided,
      plan: ranking.plan,
      reason: 'learned_policy',
      policyVersion: learned.version,
      get propensity() {
        return ranking.propensity;
      },
      featureIndices: ranking.featureIndices,
    };
  }
}
