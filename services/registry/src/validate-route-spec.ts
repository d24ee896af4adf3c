import { clone } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { InfeasibleAction, RouteSpecSchema, SelectionObjective } from '@switchboard/protocol';
import type { CascadeSpec, RoutePolicy, RouteSpec, ShadowTarget } from '@switchboard/protocol';
import { checkPercent } from './check-percent.js';
import { checkRouteCandidates } from './check-route-candidates.js';
import { normaliseRouteSpec } from './normalise-route-spec.js';
import { describeNameProblem, validateName } from './validate-name.js';

const MAX_DESCRIPTION_LENGTH = 1024;
/** Models tried per request at most; more would keep a failing request busy for long. */
const MAX_ATTEMPTS_LIMIT = 10;

/**
 * Checks a route spec from a PutRoute request and returns a normalised copy (see
 * {@link normaliseRouteSpec}) without the server-owned `updatedAtUnixMs`. Every problem is reported
 * at once so a route file can be fixed in one go. Whether the named models exist is checked when
 * the route is stored.
 * @throws InvalidArgumentError when the name is malformed, or listing every other problem: no
 * candidate, a model named twice, a share outside (0, 100] or rollout shares above 100 in sum, an
 * arm or shadow repeating a candidate, bad complexity bounds or tiers, a policy or cascade value out
 * of range, a cascade with one candidate, an unknown enum value or a description that is too long.
 */
export function validateRouteSpec(spec: RouteSpec | undefined): RouteSpec {
  if (spec === undefined) throw new InvalidArgumentError('route is required');
  validateName('route', spec.name);
  const problems = [
    ...checkRouteCandidates(spec.candidates),
    ...checkPolicy(spec.policy),
    ...checkCascade(spec.cascade, spec.candidates.length),
    ...checkShadows(spec.shadows, new Set(spec.candidates.map((candidate) => candidate.model))),
  ];
  if (spec.description.length > MAX_DESCRIPTION_LENGTH) {
    problems.push(`description is longer than ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  if (problems.length > 0) {
    throw new InvalidArgumentError(`invalid route ${JSON.stringify(spec.name)}: ${problems.join('; ')}`);
  }
  const route = normaliseRouteSpec(clone(RouteSpecSchema, spec));
  route.updatedAtUnixMs = 0n;
  return route;
}

function checkPolicy(policy: RoutePolicy | undefined): string[] {
  if (policy === undefined) return [];
  const problems: string[] = [];
  // Proto3 enums are open: an unknown number decodes fine and must be rejected here.
  if (!Object.values(SelectionObjective).includes(policy.objective)) {
    problems.push(
      `policy.objective ${policy.objective} is not a known SelectionObjective; use CHEAPEST, FASTEST or BEST_QUALITY`,
    );
  }
  if (!Object.values(InfeasibleAction).includes(policy.whenInfeasible)) {
    problems.push(
      `policy.when_infeasible ${policy.whenInfeasible} is not a known InfeasibleAction; use DEGRADE or REFUSE`,
    );
  }
  if (!(policy.minQuality >= 0 && policy.minQuality <= 1)) {
    problems.push(`policy.min_quality ${policy.minQuality} must be within [0, 1]`);
  }
  if (policy.maxAttempts > MAX_ATTEMPTS_LIMIT) {
    problems.push(
      `policy.max_attempts ${policy.maxAttempts} must be at most ${MAX_ATTEMPTS_LIMIT} (0 means the default, 3)`,
    );
  }
  return problems;
}

function checkCascade(cascade: CascadeSpec | undefined, candidateCount: number): string[] {
  if (cascade === undefined) return [];
  const { confidenceThreshold: threshold, maxSteps } = cascade;
  if (!(threshold >= 0 && threshold <= 1)) {
    return [`cascade.confidence_threshold ${threshold} must be within [0, 1] (0 turns the cascade off)`];
  }
  if (threshold === 0) {
    return maxSteps === 0
      ? []
      : [
          `cascade.max_steps ${maxSteps} has no effect while cascade.confidence_threshold is 0; ` +
            'set a threshold in (0, 1] or leave max_steps 0',
        ];
  }
  const problems: string[] = [];
  if (candidateCount < 2) {
    problems.push(
      `a cascade (confidence_threshold ${threshold}) escalates to a further candidate, so it needs at least two candidates, not ${candidateCount}`,
    );
  }
  if (maxSteps === 1) {
    problems.push('cascade.max_steps 1 never escalates; use 0 (every feasible candidate) or 2 or more');
  }
  return problems;
}

function checkShadows(shadows: readonly ShadowTarget[], candidates: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  shadows.forEach((shadow, index) => {
    const label = `shadows[${index}]${shadow.model === '' ? '' : ` (${shadow.model})`}`;
    const nameProblem = describeNameProblem('model', shadow.model);
    if (nameProblem !== undefined) problems.push(`${label}: ${nameProblem}`);
    else if (candidates.has(shadow.model)) {
      problems.push(
        `${label}: model ${JSON.stringify(shadow.model)} is a candidate, so it may serve the request itself; shadow another model`,
      );
    } else if (seen.has(shadow.model)) {
      problems.push(
        `${label}: model ${JSON.stringify(shadow.model)} is a shadow more than once; list it once`,
      );
    }
    seen.add(shadow.model);
    problems.push(...checkPercent(label, shadow.percent));
  });
  return problems;
}
