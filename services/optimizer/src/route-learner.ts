import { FailedPreconditionError } from '@switchboard/errors';
import {
  DEFAULT_FEATURE_SETTINGS,
  policyFromMessage,
  updateQualityPredictor,
} from '@switchboard/routing-policy';
import type { QualityPredictor, RoutePolicy } from '@switchboard/routing-policy';
import { judgeWorkingPredictors } from './judge-working-predictors.js';
import type { LearnerDependencies } from './learner-dependencies.js';
import { readDecisionFigures } from './decision-store.js';
import { loadTrainingSet } from './load-route-evidence.js';
import type { StoredObservation } from './observation.js';
import { readObservationsAfter } from './observation-store.js';
import { copyPredictor, createPriorPredictor } from './predictor-copies.js';
import { announceIfBehind, publishLearnedPolicy, refusePolicy } from './publish-learned-policy.js';
import type { StoredPolicy } from './policy-history.js';

/** What a publication attempt came to. */
export type PublishOutcome =
  | { readonly kind: 'published'; readonly version: bigint }
  | { readonly kind: 'refused'; readonly candidateVersion: bigint; readonly reason: string }
  | { readonly kind: 'unchanged' };

/** The route's policy routers apply. */
export interface LivePolicy {
  readonly policy: RoutePolicy;
  readonly publishedUnixMs: number;
}

/** Predictors learned before, put aside while a refit's candidate is judged. */
interface WorkingState {
  readonly predictors: Map<string, QualityPredictor>;
  readonly refitObservationIds: ReadonlySet<number>;
  readonly newestObservationId: number;
  readonly changed: boolean;
}

const { hashBits } = DEFAULT_FEATURE_SETTINGS;

/**
 * A model's SLO-miss rate must move by more than this (absolute) to republish a policy without new
 * predictors: enough to matter at μ = 1 against quality differences of a few points, and far above
 * the noise of a rate over the recent decisions, so policies of megabytes are not republished for it.
 */
const SLO_MISS_RATE_DRIFT = 0.02;

/**
 * What the optimizer has learned on one route, and its publication. Holds the live policy (what
 * routers apply, never changed in place) and the working predictors: the live ones plus every
 * observation learned online since (updateQualityPredictor), or a refit's result. Everything that
 * changes them — an online update, a refit, a publication — runs one at a time in arrival order.
 */
export class RouteLearner {
  readonly route: string;
  readonly #dependencies: LearnerDependencies;
  #live: LivePolicy | undefined;
  #working: WorkingState = {
    predictors: new Map(),
    refitObservationIds: new Set(),
    newestObservationId: 0,
    changed: false,
  };
  #nextVersion = 1n;
  /** The live policy is stored but routers may not have heard of it (NATS failed, or a crash). */
  #announcePending = false;
  /** Observations learned online since the last refit began. */
  #learnedSinceRefit = 0;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(route: string, dependencies: LearnerDependencies) {
    this.route = route;
    this.#dependencies = dependencies;
  }

  /** The policy routers apply, if one was published. */
  get live(): LivePolicy | undefined {
    return this.#live;
  }

  /** Observations learned online since the last refit began (or since start). */
  get learnedSinceRefit(): number {
    return this.#learnedSinceRefit;
  }

  /**
   * Continues from the newest stored policy (when there is one) and learns again the observations
   * stored after it, so a restart loses nothing it had learned.
   * @returns how many observations were learned again.
   */
  restore(stored: StoredPolicy | undefined): Promise<number> {
    return this.#enqueue(async () => {
      let after = 0;
      if (stored !== undefined) {
        const policy = policyFromMessage(stored.message);
        this.#live = { policy, publishedUnixMs: stored.publishedUnixMs };
        this.#nextVersion = policy.version + 1n;
        this.#announcePending = true;
        after = stored.observationId;
        this.#working = {
          predictors: new Map(
            [...policy.predictors].map(([model, predictor]) => [model, copyPredictor(predictor)]),
          ),
          refitObservationIds: new Set(),
          newestObservationId: after,
          changed: false,
        };
      }
      const missed = await readObservationsAfter(this.#dependencies.database, this.route, after);
      this.#learn(missed);
      return missed.length;
    });
  }

  /** Learns stored observations online, after whatever is already queued. */
  observe(observations: readonly StoredObservation[]): void {
    this.#enqueue(() => this.#learn(observations)).catch((error: unknown) =>
      this.#dependencies.logger.error({ err: error, route: this.route }, 'online update failed'),
    );
  }

  /** Marks the policy as changed (new settings), so the next publication round publishes it. */
  markChanged(): void {
    this.#enqueue(() => {
      if (this.#working.predictors.size > 0) this.#working = { ...this.#working, changed: true };
    }).catch(() => undefined); // cannot fail: it only sets a flag
  }

  /**
   * Publishes the working predictors if they changed since the last publication (or refusal), or
   * if a model's SLO-miss rate moved since then — routers weigh misses (μ) only through a published
   * policy, so a model that starts missing its budgets must not wait for the next feedback — and
   * announces the live policy again if routers may have missed it.
   */
  publishIfChanged(): Promise<PublishOutcome> {
    return this.#enqueue(async () => {
      if (this.#working.changed || (await this.#sloMissRatesMoved())) return this.#publish();
      if (this.#announcePending && this.#live !== undefined) {
        await announceIfBehind(this.#dependencies.store, this.#live.policy);
        this.#announcePending = false;
      }
      return { kind: 'unchanged' };
    });
  }

  /**
   * Trains every candidate's predictor afresh on the route's imported rows and observations, then
   * judges and publishes the result. A refused result is dropped: learning continues from the
   * predictors held before.
   * @throws FailedPreconditionError when there is nothing to train on; Error when training fails.
   */
  refit(models: readonly string[]): Promise<PublishOutcome> {
    return this.#enqueue(async () => {
      const { database, trainer, metrics, logger, maxImportedRows } = this.#dependencies;
      const set = await loadTrainingSet(database, this.route, models, maxImportedRows);
      if (set.examples.length === 0)
        throw new FailedPreconditionError(
          `route "${this.route}" has no imported outcomes or feedback for its candidate models yet; ` +
            'import an outcome file whose model columns name them (switchboard optimizer import)',
        );
      // Counted from the start of training: a refused or failed refit does not retry at once.
      this.#learnedSinceRefit = 0;
      const started = performance.now();
      const predictors = await trainer.train(models, hashBits, set.examples, this.route);
      const seconds = (performance.now() - started) / 1_000;
      metrics.trainingFinished(seconds);
      logger.info(
        { route: this.route, examples: set.examples.length, importedRows: set.importedRows, seconds },
        'predictors trained',
      );
      const previous = this.#working;
      this.#working = {
        predictors,
        refitObservationIds: set.observationIds,
        newestObservationId: Math.max(previous.newestObservationId, set.newestObservationId),
        changed: true,
      };
      const outcome = await this.#publish().catch((error: unknown) => {
        this.#working = previous;
        throw error;
      });
      if (outcome.kind !== 'published') this.#working = previous;
      return outcome;
    });
  }

  /** Whether any model's SLO-miss rate moved by more than SLO_MISS_RATE_DRIFT from the live policy's. */
  async #sloMissRatesMoved(): Promise<boolean> {
    const live = this.#live?.policy;
    if (live === undefined || this.#working.predictors.size === 0) return false;
    const figures = await readDecisionFigures(this.#dependencies.database, this.route);
    for (const [model, decided] of figures) {
      const published = live.sloMissRates.get(model) ?? 0;
      if (Math.abs(decided.sloMissRate - published) > SLO_MISS_RATE_DRIFT) return true;
    }
    return false;
  }

  /** Resolves once everything queued so far has run. */
  async idle(): Promise<void> {
    await this.#enqueue(() => undefined);
  }

  #enqueue<T>(task: () => T | Promise<T>): Promise<T> {
    const run = this.#tail.then(task);
    this.#tail = run.catch(() => undefined); // the caller of this task handles its failure
    return run;
  }

  #learn(observations: readonly StoredObservation[]): void {
    const { catalog } = this.#dependencies;
    const { predictors, refitObservationIds } = this.#working;
    let newest = this.#working.newestObservationId;
    let learned = 0;
    for (const observation of observations) {
      // Read by the last refit, which trained on it: learning it again would count it twice.
      if (refitObservationIds.has(observation.id)) continue;
      let predictor = predictors.get(observation.model);
      if (predictor === undefined) {
        predictor = createPriorPredictor(
          observation.model,
          hashBits,
          catalog.priorQuality(observation.model),
        );
        predictors.set(observation.model, predictor);
      }
      updateQualityPredictor(predictor, observation.indices, observation.quality, observation.weight);
      newest = Math.max(newest, observation.id);
      learned += 1;
    }
    if (learned === 0) return;
    this.#working = { ...this.#working, newestObservationId: newest, changed: true };
    this.#learnedSinceRefit += learned;
  }

  /** Judges the working predictors against the live policy; publishes them or records the refusal. */
  async #publish(): Promise<PublishOutcome> {
    const version = this.#nextVersion;
    const judged = await judgeWorkingPredictors(
      this.#dependencies,
      this.route,
      this.#working.predictors,
      version,
      this.#live?.policy,
    );
    if (judged === undefined) return { kind: 'unchanged' };
    const { candidate, refusal, candidateEstimate, liveEstimate } = judged;
    if (refusal !== undefined) {
      await refusePolicy(this.#dependencies, candidate, refusal, candidateEstimate, liveEstimate);
      this.#working = { ...this.#working, changed: false };
      return { kind: 'refused', candidateVersion: version, reason: refusal };
    }
    const observationId = this.#working.newestObservationId;
    this.#announcePending = !(await publishLearnedPolicy(this.#dependencies, candidate, observationId));
    this.#working = { ...this.#working, changed: false };
    this.#live = { policy: candidate, publishedUnixMs: Date.now() };
    this.#nextVersion = version + 1n;
    this.#dependencies.logger.info(
      { route: this.route, version, estimate: judged.estimate },
      'policy published',
    );
    return { kind: 'published', version };
  }
}
