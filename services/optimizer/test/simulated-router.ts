import { create } from '@bufbuild/protobuf';
import { DecisionRecordSchema } from '@switchboard/protocol';
import type { DecisionRecord } from '@switchboard/protocol';
import { DEFAULT_FEATURE_SETTINGS, chooseWithPolicy, featurisePrompt } from '@switchboard/routing-policy';
import type { PolicyCandidate } from '@switchboard/routing-policy';
import type { OptimizerTestBed } from './optimizer-test-bed.js';

/** A model as the simulated router sees it, with how often it really answers well. */
export interface SimulatedModel {
  readonly name: string;
  /** The chance a client scores an answer of this model 1 (else 0). */
  readonly trueQuality: number;
  readonly costUsd: number;
  /** The registry's quality score. */
  readonly priorQuality: number;
}

/** One request the simulated router served. */
export interface ServedRequest {
  readonly decision: DecisionRecord;
  readonly score: number;
}

/** What a batch of requests looks like to the simulated router. */
export interface BatchOptions {
  readonly route: string;
  /** Candidates in the route's order: without a policy the rules take the first (the cheapest). */
  readonly models: readonly SimulatedModel[];
  /** The prompt of the n-th request of the batch. */
  readonly promptOf: (position: number) => string;
  readonly count: number;
  /** Numbers the requests' ids. */
  readonly firstRequest: number;
  readonly tier: string;
  readonly random: () => number;
}

/**
 * Plays the router for `count` requests, as the router engineer's code does it: the route's newest
 * announced policy ranks the candidates with chooseWithPolicy (the rules take the first candidate
 * when there is none), the decision goes to KV `decisions` with sorted, distinct features, and a
 * client scores the answer by the model's true quality through the FEEDBACK stream.
 */
export async function serveBatch(bed: OptimizerTestBed, options: BatchOptions): Promise<ServedRequest[]> {
  const policy = await bed.readPolicy(options.route);
  const candidates: PolicyCandidate[] = options.models.map((model) => ({
    model: model.name,
    costUsd: model.costUsd,
    priorQuality: model.priorQuality,
  }));
  const served: ServedRequest[] = [];
  for (let position = 0; position < options.count; position += 1) {
    const indices = featurisePrompt(options.promptOf(position), DEFAULT_FEATURE_SETTINGS);
    const choice =
      policy === undefined
        ? { chosen: 0, propensity: 1 }
        : (({ ranking, propensity }) => ({ chosen: ranking[0]!, propensity }))(
            chooseWithPolicy(policy, candidates, indices, options.tier, options.random),
          );
    const model = options.models[choice.chosen]!;
    const decision = create(DecisionRecordSchema, {
      requestId: `request-${options.firstRequest + position}`,
      route: options.route,
      model: model.name,
      tenant: 'acme',
      tier: options.tier,
      policyVersion: policy?.version ?? 0n,
      propensity: choice.propensity,
      featureIndices: [...new Set(indices)].sort((left, right) => left - right),
      costMicros: model.costUsd * 1_000_000,
      answeredUnixMs: BigInt(Date.now()),
    });
    const score = options.random() < model.trueQuality ? 1 : 0;
    await bed.putDecision(decision);
    await bed.publishFeedback(decision, score);
    served.push({ decision, score });
  }
  return served;
}
