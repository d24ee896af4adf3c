import {
  formatMarkdownTable,
  formatMs,
  formatPercentChange,
  formatPoints,
  formatRate,
} from './format-report-table.js';
import type { PolicyName, ReplayResults } from './replay-results.js';

/**
 * The paper's claims for its router against static routing, as it states them: change in percent
 * and, for latency, the two figures it compares (ms).
 */
const PAPER_CLAIMS = [
  { claim: 'Mean latency', paper: '−67% (45 vs 136 ms)', ratio: 'mean', figure: 'mean' },
  { claim: 'P95 latency', paper: '−52% (120 vs 250 ms)', ratio: 'p95', figure: 'p95' },
  { claim: 'P99 latency', paper: '−43% (200 vs 350 ms)', ratio: 'p99', figure: 'p99' },
  {
    claim: 'Requests per second on the same hardware (capacity)',
    paper: '+89%',
    ratio: 'capacity',
    figure: null,
  },
  { claim: 'Cost', paper: '−45%', ratio: 'cost', figure: null },
] as const;

type PaperClaim = (typeof PAPER_CLAIMS)[number];

/** Switchboard's policies, learned first: each one that ran gets a column beside the paper's claims. */
const SWITCHBOARD_POLICIES = ['switchboard', 'switchboard-rules'] as const satisfies readonly PolicyName[];

/** A policy's figure against a paper claim: change in percent, with both latencies when known. */
function ourClaim(results: ReplayResults, policy: PolicyName, claim: PaperClaim): string {
  const ratios = results.ratios_to_static[policy];
  if (ratios === undefined) return 'not run';
  const ratio = ratios[claim.ratio];
  if (ratio === null) return describeMissingRatio(results, policy, claim.ratio);
  const change = formatPercentChange(ratio);
  if (claim.figure === null) return change;
  const ours = results.policies[policy];
  const reference = results.policies.static;
  if (ours === undefined || reference === undefined) return change;
  const oursMs = formatMs(ours.latency_ms[claim.figure]);
  return `${change} (${oursMs} vs ${formatMs(reference.latency_ms[claim.figure])} ms)`;
}

/** Why a ratio is missing: not measured, or static's figure is 0 (then both figures are shown). */
function describeMissingRatio(
  results: ReplayResults,
  policy: PolicyName,
  ratio: PaperClaim['ratio'],
): string {
  const ours = results.policies[policy];
  const reference = results.policies.static;
  if (ratio !== 'capacity' || ours?.capacity_rps == null || reference?.capacity_rps !== 0)
    return 'not measured';
  return `${formatRate(ours.capacity_rps)} vs ${formatRate(reference.capacity_rps)} req/s (no ratio: static sustains none)`;
}

function accuracyClaim(results: ReplayResults, policy: PolicyName): string {
  const points = results.ratios_to_static[policy]?.accuracy_points;
  return points === undefined ? 'not run' : formatPoints(points);
}

/**
 * The paper's claims beside Switchboard's changes against static: one column per Switchboard policy
 * that ran (`switchboard`, learned, and `switchboard-rules`), or a `switchboard` column saying
 * "not run" when neither did.
 */
export function paperClaimsTable(results: ReplayResults): string {
  const ran = SWITCHBOARD_POLICIES.filter((policy) => results.policies[policy] !== undefined);
  const policies = ran.length === 0 ? (['switchboard'] as const) : ran;
  const rows = [
    ...PAPER_CLAIMS.map((claim) => [
      claim.claim,
      claim.paper,
      ...policies.map((policy) => ourClaim(results, policy, claim)),
    ]),
    ['Accuracy', 'no loss', ...policies.map((policy) => accuracyClaim(results, policy))],
  ];
  return formatMarkdownTable(
    ['vs static', 'paper claims', ...policies.map((policy) => `${policy} here`)],
    rows,
  );
}
