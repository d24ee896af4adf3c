import type { GetPolicyResponse, ModelEvidence, PolicyEstimate, RouteSettings } from '@switchboard/protocol';
import { formatTable } from '../format-table.js';
import { formatUtcTime } from '../format-utc-time.js';
import { describeCanarySettings, formatCanaries } from './canary-format.js';

/**
 * Renders a GetPolicy answer for a terminal: the live version and when it was published, its
 * estimated value with the interval, the route's settings, the last refusal, the canaries with
 * their evidence, and a table of each model's evidence, the models the policy sends most traffic
 * to first.
 */
export function formatPolicy(response: GetPolicyResponse): string {
  const live =
    response.liveVersion === 0n
      ? `route ${response.route}: no learned policy yet (the route's rules decide)`
      : `route ${response.route}: policy version ${response.liveVersion}, published ${formatUtcTime(response.publishedUnixMs)} UTC`;
  return [
    live,
    `estimate: ${describeEstimate(response.estimate)}`,
    `settings: ${describeRouteSettings(response.settings)}`,
    `last refusal: ${describeRefusal(response)}`,
    `canary settings: ${describeCanarySettings(response.settings?.canary)}`,
    formatCanaries(response.canaries),
    formatTable(
      ['MODEL', 'OBSERVATIONS', 'FEEDBACK', 'QUALITY', '± SD', 'COST/REQ $', 'SLO MISS%', 'SHARE%'],
      [...response.models].sort(byShareThenQuality).map(toEvidenceRow),
    ),
  ].join('\n');
}

/** `cost weight 10 per US$, SLO-miss weight 1, exploration 0.1 (premium 0)`. */
export function describeRouteSettings(settings: RouteSettings | undefined): string {
  if (settings === undefined) return 'none';
  const tiers = Object.entries(settings.explorationByTier)
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([tier, share]) => `${tier} ${share}`);
  return (
    `cost weight ${settings.costWeightPerUsd} per US$, SLO-miss weight ${settings.sloMissWeight}, ` +
    `exploration ${settings.exploration}${tiers.length === 0 ? '' : ` (${tiers.join(', ')})`}`
  );
}

/** `0.712 per request, interval [0.690, 0.734] (doubly_robust, 1234 samples)`. */
function describeEstimate(estimate: PolicyEstimate | undefined): string {
  if (estimate === undefined || estimate.method === '') return 'none yet';
  return `${describeValue(estimate)} per request (${estimate.method}, ${estimate.samples} samples)`;
}

function describeValue(estimate: PolicyEstimate): string {
  return `${estimate.value.toFixed(3)}, interval [${estimate.lower.toFixed(3)}, ${estimate.upper.toFixed(3)}]`;
}

function describeRefusal(response: GetPolicyResponse): string {
  const refusal = response.lastRefusal;
  if (refusal === undefined) return 'none';
  const estimates =
    refusal.candidate === undefined || refusal.live === undefined
      ? ''
      : `\n  candidate ${describeValue(refusal.candidate)} vs live ${describeValue(refusal.live)}`;
  return `version ${refusal.candidateVersion} at ${formatUtcTime(refusal.atUnixMs)} UTC: ${refusal.reason}${estimates}`;
}

function byShareThenQuality(left: ModelEvidence, right: ModelEvidence): number {
  return right.decisionShare - left.decisionShare || right.meanQuality - left.meanQuality;
}

function toEvidenceRow(model: ModelEvidence): string[] {
  return [
    model.model,
    String(model.observations),
    String(model.feedback),
    model.meanQuality.toFixed(3),
    model.qualityUncertainty.toFixed(3),
    model.meanCostUsd === 0 ? '0' : model.meanCostUsd.toPrecision(3),
    (model.sloMissRate * 100).toFixed(1),
    (model.decisionShare * 100).toFixed(1),
  ];
}
