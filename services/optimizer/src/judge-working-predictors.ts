import { create } from '@bufbuild/protobuf';
import { PolicyEstimateSchema } from '@switchboard/protocol';
import type { PolicyEstimate } from '@switchboard/protocol';
import { DEFAULT_FEATURE_SETTINGS } from '@switchboard/routing-policy';
import type { QualityPredictor, RoutePolicy, ValueEstimate } from '@switchboard/routing-policy';
import { judgeCandidate } from './judge-candidate.js';
import type { LearnerDependencies } from './learner-dependencies.js';
import { loadJudgeEvidence } from './load-route-evidence.js';
import { copyPredictor } from './predictor-copies.js';
import { meanQualityOf, readRouteFigures, sloMissRatesOf } from './route-figures.js';
import { loadRouteSettings } from './settings-store.js';

/** A candidate policy with the off-policy check's verdict on it. */
export interface JudgedCandidate {
  /** The policy to publish, its estimate filled in. */
  readonly candidate: RoutePolicy;
  /** Why it must not go live; undefined when it may. */
  readonly refusal: string | undefined;
  readonly candidateEstimate: PolicyEstimate | undefined;
  readonly liveEstimate: PolicyEstimate | undefined;
  /** The candidate's estimate as plain numbers, for logs. */
  readonly estimate: ValueEstimate | undefined;
}

/**
 * Builds version `version` of the route's policy from copies of the working predictors of its
 * current candidates (with its settings, SLO-miss rates and mean qualities) and judges it against
 * the live policy.
 * @returns undefined when the route is no longer registered or none of its candidates has a predictor.
 * @throws Error (from postgres) when the route's data cannot be read.
 */
export async function judgeWorkingPredictors(
  dependencies: LearnerDependencies,
  route: string,
  working: ReadonlyMap<string, QualityPredictor>,
  version: bigint,
  live: RoutePolicy | undefined,
): Promise<JudgedCandidate | undefined> {
  const { database, catalog } = dependencies;
  const models = catalog.candidatesOf(route);
  const predictors = new Map(
    (models ?? []).flatMap((model) => {
      const predictor = working.get(model);
      return predictor === undefined ? [] : [[model, copyPredictor(predictor)] as const];
    }),
  );
  if (models === undefined || predictors.size === 0) return undefined;
  const [settings, figures] = await Promise.all([
    loadRouteSettings(database, route),
    readRouteFigures(database, route),
  ]);
  const unjudged: RoutePolicy = {
    route,
    version,
    createdUnixMs: Date.now(),
    features: DEFAULT_FEATURE_SETTINGS,
    predictors,
    sloMissRates: sloMissRatesOf(figures),
    meanQualities: new Map(models.map((model) => [model, meanQualityOf(figures, model)])),
    settings,
    estimate: undefined,
  };
  const evidence = await loadJudgeEvidence(database, route, models, figures, catalog);
  const verdict = judgeCandidate(unjudged, live, evidence, `${route}/${version}`);
  const candidateEstimate = toEstimate(verdict.candidate);
  return {
    candidate: { ...unjudged, estimate: candidateEstimate },
    refusal: verdict.refusal,
    candidateEstimate,
    liveEstimate: toEstimate(verdict.live),
    estimate: verdict.candidate,
  };
}

function toEstimate(estimate: ValueEstimate | undefined): PolicyEstimate | undefined {
  return estimate === undefined
    ? undefined
    : create(PolicyEstimateSchema, { ...estimate, samples: BigInt(estimate.samples) });
}
