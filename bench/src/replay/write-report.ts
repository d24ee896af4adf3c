import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { costAccuracySpec, latencyCdfSpec, timelineSpec } from './chart-specs.js';
import {
  formatMarkdownTable,
  formatMs,
  formatPoints,
  formatRate,
  formatRatio,
  formatShare,
  formatSignificant,
  MISSING,
} from './format-report-table.js';
import { paperClaimsTable } from './paper-claims.js';
import { renderChartPng } from '../shared/render-chart.js';
import { POLICY_NAMES } from './replay-results.js';
import type {
  LearnedRouteDescription,
  LoadSample,
  ReplayResults,
  RequestOutcome,
  RunDescription,
} from './replay-results.js';

/** Significant digits of a cost per request: enough to tell apart policies a few percent apart. */
const COST_SIGNIFICANT_DIGITS = 6;

/** What a replay takes from the recording rather than simulating (see RunDescription.simulated). */
const RECORDED_DATA = 'arrivals, request sizes, prompts, answer correctness and cost';

/** A chart of the report: its file, the alt text and the sentence saying what it shows. */
interface ReportChart {
  readonly fileName: string;
  readonly altText: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

/** How the learned route was set up, as a line of the run's description. */
function describeLearnedRoute(learned: LearnedRouteDescription): string {
  const fit =
    learned.cost_target === null || learned.fit_accuracy === null || learned.fit_cost_share === null
      ? 'given'
      : `fitted for at most ${formatShare(learned.cost_target)} of the dearest model's cost ` +
        `(cross-validated on the training rows: accuracy ${formatShare(learned.fit_accuracy)} at ` +
        `${formatShare(learned.fit_cost_share)})`;
  return (
    `- **Learned route (\`switchboard\`):** \`${learned.route}\`, no quality floor; ` +
    `${learned.training_rows} training rows imported; policy version ${learned.policy_version}; ` +
    `λ ${formatSignificant(learned.cost_weight_per_usd, 3)} per US$, ${fit}; ` +
    `exploration ${formatShare(learned.exploration)}`
  );
}

function describeRun(run: RunDescription): string {
  const list = (items: readonly string[]): string =>
    items.length === 0 ? 'none' : items.map((item) => `\`${item}\``).join(', ');
  const tiers = Object.entries(run.tiers)
    .map(
      ([tier, { budget_ms, share }]) => `${tier} (budget ${budget_ms} ms, ${formatShare(share)} of requests)`,
    )
    .join('; ');
  const simulated =
    run.simulated.length === 0
      ? `Nothing is simulated: ${RECORDED_DATA} all come from the recording.`
      : `Simulated: ${run.simulated.join('; ')}. Everything else (${RECORDED_DATA}) is recorded data.`;
  return [
    `- **Trace:** ${list([run.trace])}`,
    `- **Prompts:** ${list(run.prompts)}`,
    `- **Training files:** ${list(run.train)}`,
    `- **Speed-up:** ${run.speedup}×`,
    `- **Duration:** ${run.duration_s} s`,
    `- **Requests per policy:** ${run.requests} (the same sequence for every policy)`,
    `- **Seed:** ${run.seed}`,
    `- **Machine:** ${run.machine}`,
    `- **Tiers:** ${tiers}`,
    ...(run.learned_route === null ? [] : [describeLearnedRoute(run.learned_route)]),
    '',
    simulated,
  ].join('\n');
}

function policyTable(results: ReplayResults): string {
  const header = [
    'policy',
    'requests',
    'errors',
    'mean ms',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'throughput rps',
    'goodput rps',
    'SLO miss',
    'cost/request USD',
    'accuracy',
    'capacity rps',
  ];
  const rows = POLICY_NAMES.flatMap((policy) => {
    const result = results.policies[policy];
    if (result === undefined) return [];
    const { mean, p50, p95, p99 } = result.latency_ms;
    return [
      [
        policy,
        String(result.requests),
        String(result.errors),
        ...[mean, p50, p95, p99].map(formatMs),
        formatRate(result.throughput_rps),
        formatRate(result.goodput_rps),
        formatShare(result.slo_miss_rate),
        formatSignificant(result.cost_per_request_usd, COST_SIGNIFICANT_DIGITS),
        formatShare(result.accuracy),
        result.capacity_rps === null ? MISSING : formatRate(result.capacity_rps),
      ],
    ];
  });
  return formatMarkdownTable(header, rows);
}

function ratioTable(results: ReplayResults): string {
  const header = ['policy', 'mean', 'p95', 'p99', 'goodput', 'capacity', 'cost', 'accuracy'];
  // Static against itself is all 1.00× and says nothing.
  const rows = POLICY_NAMES.flatMap((policy) => {
    const ratios = results.ratios_to_static[policy];
    if (ratios === undefined || policy === 'static') return [];
    const { mean, p95, p99, goodput, capacity, cost, accuracy_points } = ratios;
    return [
      [policy, ...[mean, p95, p99, goodput, capacity, cost].map(formatRatio), formatPoints(accuracy_points)],
    ];
  });
  return formatMarkdownTable(header, rows);
}

function reportCharts(
  results: ReplayResults,
  outcomes: readonly RequestOutcome[],
  samples: readonly LoadSample[],
): ReportChart[] {
  return [
    {
      fileName: 'latency-cdf.png',
      altText: 'Latency CDF of the answered requests, one line per policy',
      caption:
        'Share of the answered requests (y) finished within a latency (x, log scale); a curve further left is faster.',
      spec: latencyCdfSpec(outcomes),
    },
    {
      fileName: 'cost-accuracy.png',
      altText: 'Cost per request against accuracy, one point per policy',
      caption:
        'Mean cost per answered request (x, log scale) against accuracy (y); up and to the left is better; the oracle diamond is a bound (each request sent to the cheapest model that answered it correctly, known in hindsight), not a policy.',
      spec: costAccuracySpec(results),
    },
    {
      fileName: 'timeline.png',
      altText: 'Arrivals per second, queue depth and replicas over time, one row per policy',
      caption:
        "Each policy's run over time: arrivals per second and queue depth on the left axis, replicas serving models on the right.",
      spec: timelineSpec(samples),
    },
  ];
}

/** Answers of Switchboard's route policies by why the router chose their model (`switchboard.reason`). */
function reasonTable(results: ReplayResults): string {
  const policies = (['switchboard', 'switchboard-rules'] as const).filter(
    (policy) => results.policies[policy] !== undefined,
  );
  const totals = new Map<string, number>();
  for (const policy of policies) {
    for (const [reason, count] of Object.entries(results.policies[policy]?.reasons ?? {}))
      totals.set(reason, (totals.get(reason) ?? 0) + count);
  }
  const reasons = [...totals].sort(([, left], [, right]) => right - left).map(([reason]) => reason);
  const rows = policies.map((policy) => [
    policy,
    ...reasons.map((reason) => String(results.policies[policy]?.reasons[reason] ?? 0)),
  ]);
  return formatMarkdownTable(['policy', ...reasons], rows);
}

/** Why Switchboard's routes chose their models; nothing when neither route policy ran. */
function reasonSection(results: ReplayResults): string[] {
  if (results.policies.switchboard === undefined && results.policies['switchboard-rules'] === undefined)
    return [];
  return [
    "## How Switchboard's routes chose",
    "Answers per router reason: `learned_policy` is the optimizer's policy ranking the models the " +
      'rules found feasible; `cheapest_feasible` the rules alone; `degraded_fastest` the fastest model ' +
      'when none was predicted to answer within the budget (and, for the rules route, reach its floor).',
    reasonTable(results),
  ];
}

/** The policy table and the ratios to static, as Markdown: the part of the report worth printing to a terminal. */
export function formatResultTables(results: ReplayResults): string {
  return `${policyTable(results)}\n\n${ratioTable(results)}`;
}

function composeReport(results: ReplayResults, charts: readonly ReportChart[]): string {
  return [
    '# Replay benchmark: routing policies on a recorded LLM trace',
    describeRun(results.run),
    '## Results per policy',
    "Latency counts the requests answered OK; goodput counts those answered within their tier's budget; " +
      'cost is the mean recorded cost of an answered request; an error counts as a wrong answer.',
    policyTable(results),
    '## Ratios to static',
    'Below 1× is better for latency and cost, above 1× for goodput and capacity; accuracy is the difference in percentage points.',
    ratioTable(results),
    "## Paper's claims beside ours",
    paperClaimsTable(results),
    ...reasonSection(results),
    '## Charts',
    ...charts.map((chart) => `![${chart.altText}](${chart.fileName})\n\n${chart.caption}`),
  ].join('\n\n');
}

/**
 * Writes a replay run's report into `outDirectory` (created if missing): results.json, outcomes.jsonl (one line per request), the charts
 * latency-cdf.png, cost-accuracy.png and timeline.png, and report.md, which describes the run,
 * tabulates each policy and its ratios to static, sets switchboard beside the paper's claims and
 * embeds the charts. Existing files of those names are replaced.
 *
 * @throws Error when a file cannot be written or a chart cannot be rendered.
 */
export async function writeReport(
  outDirectory: string,
  results: ReplayResults,
  outcomes: readonly RequestOutcome[],
  samples: readonly LoadSample[],
): Promise<void> {
  await mkdir(outDirectory, { recursive: true });
  await writeFile(join(outDirectory, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  // Every request as the client saw it, for analyses the report does not make.
  await writeFile(
    join(outDirectory, 'outcomes.jsonl'),
    outcomes.map((outcome) => `${JSON.stringify(outcome)}\n`).join(''),
  );
  const charts = reportCharts(results, outcomes, samples);
  for (const chart of charts) {
    await writeFile(join(outDirectory, chart.fileName), await renderChartPng(chart.spec));
  }
  await writeFile(join(outDirectory, 'report.md'), `${composeReport(results, charts)}\n`);
}
