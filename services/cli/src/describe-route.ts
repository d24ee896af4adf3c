import type { RouteCandidate, RouteSpec } from '@switchboard/protocol';

/**
 * A route's candidates on one line, in order, each with its rollout arms, an arm serving another
 * version of a model as `model@version`: `small (small@2 10%, canary 5%), large`.
 */
export function describeCandidates(route: RouteSpec): string {
  return route.candidates.map(describeCandidate).join(', ');
}

/** The cascade in a few characters: `< 0.8` (`< 0.8, ≤ 2 steps`), or `-` when it is off. */
export function describeCascade(route: RouteSpec): string {
  const cascade = route.cascade;
  if (cascade === undefined || cascade.confidenceThreshold === 0) return '-';
  const steps = cascade.maxSteps === 0 ? '' : `, ≤ ${cascade.maxSteps} steps`;
  return `< ${cascade.confidenceThreshold}${steps}`;
}

/** The shadow targets with their shares: `big 5%, other 1%`, or `-` when there are none. */
export function describeShadows(route: RouteSpec): string {
  if (route.shadows.length === 0) return '-';
  return route.shadows.map((shadow) => `${shadow.model} ${shadow.percent}%`).join(', ');
}

function describeCandidate(candidate: RouteCandidate): string {
  if (candidate.rollout.length === 0) return candidate.model;
  const arms = candidate.rollout
    .map((arm) => `${arm.model}${arm.version === '' ? '' : `@${arm.version}`} ${arm.percent}%`)
    .join(', ');
  return `${candidate.model} (${arms})`;
}
