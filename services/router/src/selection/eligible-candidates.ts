import { InvalidArgumentError } from '@switchboard/errors';
import type {
  CandidateConditions,
  ModelSpec,
  RolloutArm,
  RouteCandidate,
  RouteSpec,
} from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { modalityName } from './analyse-request.js';
import type { RequestAnalysis } from './analyse-request.js';
import { rolloutBucket } from './rollout-bucket.js';

/** Who a request is, for candidate conditions. */
export interface Requester {
  tier: string;
  /** The key rollout and shadow splits hash: the client's request id, else Switchboard's. */
  rolloutKey: string;
}

function accepts(conditions: CandidateConditions | undefined, analysis: RequestAnalysis, tier: string) {
  if (conditions === undefined) return true;
  const { modalities, minComplexity, maxComplexity, tiers } = conditions;
  return (
    (modalities.length === 0 || modalities.includes(analysis.modality)) &&
    analysis.complexity >= minComplexity &&
    (maxComplexity === 0 || analysis.complexity <= maxComplexity) &&
    (tiers.length === 0 || tiers.includes(tier))
  );
}

/** The arm of this candidate that `rolloutKey` falls in, or undefined for the candidate itself. */
function rolloutArm(route: RouteSpec, candidate: RouteCandidate, rolloutKey: string): RolloutArm | undefined {
  if (candidate.rollout.length === 0) return undefined;
  const bucket = rolloutBucket(`${rolloutKey}/${route.name}/${candidate.model}`);
  let upper = 0;
  for (const arm of candidate.rollout) {
    upper += arm.percent;
    if (bucket < upper) return arm;
  }
  return undefined;
}

/**
 * The model serving this candidate for `rolloutKey`: the candidate's model, or its rollout arm's —
 * another model, or another registered version of one (the version's spec differs from the current
 * one only in version and artifact, as the registry keeps them). Undefined when unregistered.
 */
function servingModel(
  route: RouteSpec,
  candidate: RouteCandidate,
  snapshot: RegistrySnapshot,
  rolloutKey: string,
): ModelSpec | undefined {
  const arm = rolloutArm(route, candidate, rolloutKey);
  const model = snapshot.getModel(arm?.model || candidate.model);
  if (model === undefined || arm === undefined || arm.version === '' || arm.version === model.version) {
    return model;
  }
  const artifact = model.versionArtifacts[arm.version];
  return artifact === undefined ? undefined : { ...model, version: arm.version, artifact };
}

function describeConditions(candidate: RouteCandidate): string {
  const conditions = candidate.conditions;
  if (conditions === undefined) return `${candidate.model} (any request)`;
  const parts = [];
  if (conditions.modalities.length > 0) parts.push(conditions.modalities.map(modalityName).join('|'));
  if (conditions.minComplexity > 0 || conditions.maxComplexity > 0)
    parts.push(`complexity ${conditions.minComplexity}..${conditions.maxComplexity || '∞'}`);
  if (conditions.tiers.length > 0) parts.push(`tiers ${conditions.tiers.join('|')}`);
  return `${candidate.model} (${parts.join(', ') || 'any request'})`;
}

/**
 * The models of `route` that may serve this request, in route order: candidates whose conditions
 * accept the request's modality, complexity and tier, each replaced by its rollout arm (another model
 * or version) when the request id falls in the arm's share. Unregistered models and versions are
 * skipped.
 * @throws InvalidArgumentError when no candidate accepts the request, naming each one's conditions.
 */
export function eligibleCandidates(
  route: RouteSpec,
  snapshot: RegistrySnapshot,
  analysis: RequestAnalysis,
  requester: Requester,
): ModelSpec[] {
  const models: ModelSpec[] = [];
  for (const candidate of route.candidates) {
    if (!accepts(candidate.conditions, analysis, requester.tier)) continue;
    const model = servingModel(route, candidate, snapshot, requester.rolloutKey);
    if (model !== undefined) models.push(model);
  }
  if (models.length === 0) {
    const request = `${modalityName(analysis.modality)} request of complexity ${analysis.complexity} from tier "${requester.tier}"`;
    throw new InvalidArgumentError(
      `no model of route "${route.name}" accepts a ${request}; candidates: ${route.candidates.map(describeConditions).join('; ')}`,
    );
  }
  return models;
}

/** The shadow models that get a copy of this request: those whose share its request id falls in. */
export function shadowModels(route: RouteSpec, snapshot: RegistrySnapshot, rolloutKey: string): ModelSpec[] {
  return route.shadows
    .filter((shadow) => rolloutBucket(`${rolloutKey}/${route.name}/shadow/${shadow.model}`) < shadow.percent)
    .map((shadow) => snapshot.getModel(shadow.model))
    .filter((model): model is ModelSpec => model !== undefined);
}
