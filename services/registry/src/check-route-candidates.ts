import { Modality } from '@switchboard/protocol';
import type { CandidateConditions, RouteCandidate } from '@switchboard/protocol';
import { checkPercent } from './check-percent.js';
import { labelArm, labelCandidate } from './route-labels.js';
import { describeNameProblem } from './validate-name.js';

const PERCENT_TOLERANCE = 1e-9;

/**
 * Every problem with a route's candidates: at least one is needed, each names a well-formed model
 * once, its conditions make sense and its rollout arms serve distinct (model, version) pairs other
 * than the candidate itself (its own model only with a version set), whose shares add up to at
 * most 100 %. Whether an arm's version exists, and is not the current one, needs the registry:
 * see checkArmVersions.
 */
export function checkRouteCandidates(candidates: readonly RouteCandidate[]): string[] {
  if (candidates.length === 0) return ['at least one candidate is required; give each a model'];
  const problems: string[] = [];
  const seen = new Set<string>();
  candidates.forEach((candidate, index) => {
    const label = labelCandidate(index, candidate.model);
    const nameProblem = describeNameProblem('model', candidate.model);
    if (nameProblem !== undefined) problems.push(`${label}: ${nameProblem}`);
    else if (seen.has(candidate.model)) {
      problems.push(
        `${label}: model ${JSON.stringify(candidate.model)} is a candidate more than once; list it once`,
      );
    }
    seen.add(candidate.model);
    problems.push(...checkConditions(label, candidate.conditions), ...checkRollout(label, candidate));
  });
  return problems;
}

function checkConditions(label: string, conditions: CandidateConditions | undefined): string[] {
  if (conditions === undefined) return [];
  const problems: string[] = [];
  for (const modality of conditions.modalities) {
    // Proto3 enums are open: an unknown number decodes fine and must be rejected here.
    if (modality === Modality.UNSPECIFIED || !Object.values(Modality).includes(modality)) {
      problems.push(
        `${label}: conditions.modalities holds ${modality}, which is not text, image, audio or structured ` +
          '(leave modalities empty to accept every modality)',
      );
    }
  }
  const { minComplexity, maxComplexity } = conditions;
  if (!(minComplexity >= 0 && Number.isFinite(minComplexity))) {
    problems.push(`${label}: conditions.min_complexity ${minComplexity} must be a finite number >= 0`);
  }
  if (!(maxComplexity >= 0 && Number.isFinite(maxComplexity))) {
    problems.push(
      `${label}: conditions.max_complexity ${maxComplexity} must be a finite number >= 0 (0 means no upper bound)`,
    );
  } else if (maxComplexity > 0 && maxComplexity < minComplexity) {
    problems.push(
      `${label}: conditions.max_complexity ${maxComplexity} is below min_complexity ${minComplexity}; ` +
        'raise it or use 0 for no upper bound',
    );
  }
  for (const tier of conditions.tiers) {
    const problem = describeNameProblem('tier', tier);
    if (problem !== undefined) problems.push(`${label}: conditions.tiers: ${problem}`);
  }
  return problems;
}

function checkRollout(label: string, candidate: RouteCandidate): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  candidate.rollout.forEach((arm, index) => {
    // An arm without a model serves its candidate's model (at another version).
    const model = arm.model === '' ? candidate.model : arm.model;
    const armLabel = labelArm(label, index, model, arm.version);
    const served =
      JSON.stringify(model) + (arm.version === '' ? '' : ` version ${JSON.stringify(arm.version)}`);
    const key = JSON.stringify([model, arm.version]);
    const nameProblem = describeNameProblem('model', model);
    if (nameProblem !== undefined) problems.push(`${armLabel}: ${nameProblem}`);
    else if (model === candidate.model && arm.version === '') {
      problems.push(
        `${armLabel}: an arm must name another model than its candidate's, or set version to another ` +
          "version of it (the candidate's model keeps the share the arms leave)",
      );
    } else if (seen.has(key)) {
      problems.push(`${armLabel}: model ${served} has more than one arm; merge their percents`);
    }
    seen.add(key);
    problems.push(...checkPercent(armLabel, arm.percent));
  });
  const total = candidate.rollout.reduce((sum, arm) => sum + arm.percent, 0);
  // Decimal shares such as 33.3 + 33.3 + 33.4 may add up to a hair above 100 in binary.
  if (total > 100 + PERCENT_TOLERANCE) {
    problems.push(`${label}: rollout percents add up to ${total}, more than 100; lower them`);
  }
  return problems;
}
