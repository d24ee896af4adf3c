import type { RegistrySnapshot } from '@switchboard/registry-snapshot';

/** Quality assumed for a model the registry states none for. */
const UNKNOWN_PRIOR_QUALITY = 0.5;

/**
 * The routes and models the optimizer may learn about: only what the registry holds, so names in
 * records and requests never become rows, keys or metric labels on their own (DESIGN.md, "Names
 * from clients").
 */
export interface RouteCatalog {
  /** The candidate models of a registered route, in the route's order; undefined for an unknown route. */
  candidatesOf(route: string): readonly string[] | undefined;
  /** The registry's quality score of a model in [0, 1]: a model's prior before any evidence. */
  priorQuality(model: string): number;
  /** Every registered route's name. */
  routes(): string[];
}

/** A catalog reading the live registry snapshot on every call (changes apply at once). */
export function createRouteCatalog(registry: RegistrySnapshot): RouteCatalog {
  return {
    candidatesOf(route) {
      const spec = registry.getRoute(route);
      return spec === undefined
        ? undefined
        : [...new Set(spec.candidates.map((candidate) => candidate.model))];
    },
    priorQuality(model) {
      const score = registry.getModel(model)?.qualityScore;
      return score !== undefined && score > 0 && score <= 1 ? score : UNKNOWN_PRIOR_QUALITY;
    },
    routes() {
      return registry.listRoutes().map((route) => route.name);
    },
  };
}
