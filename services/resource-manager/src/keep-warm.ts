import type { ModelSpec, RouteSpec } from '@switchboard/protocol';

/**
 * The models kept warm so that no route is left without a loaded candidate: for each route none
 * of whose candidates is wanted, one candidate — one already serving (the least moves), else the
 * cheapest per call, else the first listed. The router predicts an unbounded wait for a model no
 * worker serves, so a route whose candidates all scaled to zero could only be answered after a cold
 * start; one warm candidate keeps it answering at once.
 */
export function chooseWarmCandidates(
  routes: readonly RouteSpec[],
  modelOf: (name: string) => ModelSpec | undefined,
  isWanted: (model: string) => boolean,
  servingReplicas: (model: string) => number,
): Set<string> {
  const warm = new Set<string>();
  for (const route of routes) {
    const candidates = route.candidates
      .map((candidate) => modelOf(candidate.model))
      .filter((model): model is ModelSpec => model !== undefined);
    if (candidates.length === 0 || candidates.some((model) => isWanted(model.name) || warm.has(model.name)))
      continue;
    const serving = candidates.find((model) => servingReplicas(model.name) > 0);
    const cheapest = [...candidates].sort(
      (a, b) =>
        Number(a.costPerCallMicros - b.costPerCallMicros) || a.costPerUnitMicros - b.costPerUnitMicros,
    )[0];
    warm.add((serving ?? cheapest ?? candidates[0]!).name);
  }
  return warm;
}
