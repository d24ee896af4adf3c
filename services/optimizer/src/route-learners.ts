import type { LearnerDependencies } from './learner-dependencies.js';
import type { StoredObservation } from './observation.js';
import { listObservedRoutes } from './observation-store.js';
import { readNewestPolicies } from './policy-history.js';
import { RouteLearner } from './route-learner.js';

/** The learner of every route the optimizer has learned about: registry routes only. */
export class RouteLearners {
  readonly #dependencies: LearnerDependencies;
  readonly #learners = new Map<string, RouteLearner>();

  constructor(dependencies: LearnerDependencies) {
    this.#dependencies = dependencies;
  }

  /**
   * Restores every route with a stored policy or stored observations, each from its newest policy
   * plus the observations stored after it.
   * @throws Error (from postgres) when the state cannot be read.
   */
  async restore(): Promise<void> {
    const { database, metrics, logger } = this.#dependencies;
    const [policies, observedRoutes] = await Promise.all([
      readNewestPolicies(database),
      listObservedRoutes(database),
    ]);
    const byRoute = new Map(policies.map((stored) => [stored.message.route, stored]));
    for (const route of new Set([...byRoute.keys(), ...observedRoutes])) {
      const learner = this.#create(route);
      const stored = byRoute.get(route);
      const replayed = await learner.restore(stored);
      if (stored !== undefined) metrics.policyRestored(route, stored.message.version);
      logger.info({ route, version: stored?.message.version ?? 0n, replayed }, 'route state restored');
    }
  }

  /** The learner of a registered route, created on first use; undefined for a route the registry does not hold. */
  get(route: string): RouteLearner | undefined {
    if (this.#dependencies.catalog.candidatesOf(route) === undefined) return undefined;
    return this.#learners.get(route) ?? this.#create(route);
  }

  /** Hands stored observations to their routes' learners (they were checked against the registry). */
  observe(observations: readonly StoredObservation[]): void {
    const byRoute = new Map<string, StoredObservation[]>();
    for (const observation of observations) {
      const list = byRoute.get(observation.route) ?? [];
      list.push(observation);
      byRoute.set(observation.route, list);
    }
    for (const [route, list] of byRoute) this.get(route)?.observe(list);
  }

  /**
   * One publication round: every route whose predictors changed is judged and published; a route
   * that learned `refitAfterObservations` observations online since its last refit is refit first
   * (the batch fit, with the difficulty direction its models share, learns more from the same
   * feedback than the one-at-a-time updates).
   */
  async publishChanged(): Promise<void> {
    const { catalog, refitAfterObservations, logger } = this.#dependencies;
    const round = (learner: RouteLearner) => {
      const models = catalog.candidatesOf(learner.route);
      const due = refitAfterObservations > 0 && learner.learnedSinceRefit >= refitAfterObservations;
      if (!due || models === undefined) return learner.publishIfChanged();
      logger.info(
        { route: learner.route, learned: learner.learnedSinceRefit },
        'refitting after online learning',
      );
      return learner.refit(models);
    };
    await Promise.all(
      [...this.#learners.values()].map((learner) =>
        round(learner).catch((error: unknown) =>
          logger.warn({ err: error, route: learner.route }, 'publication failed; retrying on the next round'),
        ),
      ),
    );
  }

  /** Every route with a learner. */
  routes(): string[] {
    return [...this.#learners.keys()];
  }

  /** Resolves once every learner has finished what was queued. */
  async idle(): Promise<void> {
    await Promise.all([...this.#learners.values()].map((learner) => learner.idle()));
  }

  #create(route: string): RouteLearner {
    const learner = new RouteLearner(route, this.#dependencies);
    this.#learners.set(route, learner);
    return learner;
  }
}
