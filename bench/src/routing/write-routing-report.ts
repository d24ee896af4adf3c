import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatMarkdownTable } from '../replay/format-report-table.js';
import { renderChartPng } from '../shared/render-chart.js';
import type { CostWeightPoint } from './fit-cost-weight.js';
import { describeTargets, formatFiguresMarkdown } from './format-routing-results.js';
import { accuracyCostSpec } from './routing-chart-spec.js';
import type { FittedCostWeight, RoutingResults } from './routing-results.js';
import { REFERENCE_POLICY } from './summarise-routing.js';

const CHART_FILE = 'accuracy-cost.png';
/** Sweep points shown in the report: every fourth, plus the chosen ones. */
const SWEEP_STRIDE = 4;

function describeRun(results: RoutingResults): string {
  const { run } = results;
  const files = (paths: readonly string[]) => paths.map((path) => `\`${path}\``).join(', ') || 'none';
  const test =
    run.holdout === null
      ? files(run.test)
      : `${(run.holdout * 100).toFixed(0)}% of the training files' prompts, held out by a seeded hash of the prompt (seed ${run.seed})`;
  return [
    `- **Training rows:** ${run.train_prompts} from ${files(run.train)}`,
    `- **Held-out prompts:** ${run.test_prompts}: ${test}`,
    `- **Speed-up of simulated model time:** ${run.speedup}×; ${run.concurrency} requests in flight; ${run.workers} workers`,
    `- **Exploration while testing:** ${run.test_exploration} (the route's setting)`,
    `- **Machine:** ${run.machine}; the run took ${run.seconds.toFixed(0)} s`,
    '',
    'Every policy but the oracle sends each held-out prompt through the running system (router → NATS →',
    'worker → simulated LLM) and is scored by the outcome the answering model returns: the correctness',
    'and cost RouterBench recorded for that model on that prompt. Simulated: the models’ latency. The',
    '`oracle` is computed from the recorded outcomes (the cheapest model that answered each prompt',
    'correctly), not sent: it is the bound no router reaches.',
  ].join('\n');
}

function describeCostWeight(name: string, weight: FittedCostWeight): string {
  if (weight.cost_target === null) return `- \`${name}\`: λ = ${weight.cost_weight_per_usd} per US$ (given)`;
  return (
    `- \`${name}\`: λ = ${weight.cost_weight_per_usd.toPrecision(3)} per US$, fitted for ≤ ` +
    `${(weight.cost_target * 100).toFixed(0)}% of ${REFERENCE_POLICY}'s cost; cross-validated on the training ` +
    `rows: accuracy ${weight.fit_accuracy?.toFixed(3)} at ${((weight.fit_cost_share ?? 0) * 100).toFixed(1)}%`
  );
}

function sweepTable(points: readonly CostWeightPoint[], chosen: readonly number[]): string {
  const rows = points
    .filter((point, index) => index % SWEEP_STRIDE === 0 || chosen.includes(point.costWeightPerUsd))
    .map((point) => [
      `${point.costWeightPerUsd.toPrecision(3)}${chosen.includes(point.costWeightPerUsd) ? ' (chosen)' : ''}`,
      point.accuracy.toFixed(3),
      `${(point.costShare * 100).toFixed(1)}%`,
    ]);
  return formatMarkdownTable(
    ['λ per US$', 'accuracy (5-fold, training rows)', `cost ÷ ${REFERENCE_POLICY}`],
    rows,
  );
}

function describeOnline(results: RoutingResults): string {
  const online = results.run.online_training;
  if (online === null) return '';
  return [
    '## How optimizer-online trained',
    '',
    `${online.prompts} training prompts streamed to its route with exploration ${online.exploration}; each`,
    `answer's recorded correctness went back as Feedback (score 1 or 0): ${online.feedback_accepted} accepted,`,
    `${online.feedback_duplicates} duplicates, ${online.feedback_failed} failed. The stream's own answers: accuracy`,
    `${online.accuracy.toFixed(3)}, cost $${online.cost_usd.toFixed(3)}. Tested with policy version ${online.policy_version}.`,
    '',
  ].join('\n');
}

function modelMixTable(results: RoutingResults): string {
  const shown = Object.keys(results.policies).filter((policy) => !policy.startsWith('always-'));
  const models = [
    ...new Set(shown.flatMap((policy) => Object.keys(results.details[policy]?.models ?? {}))),
  ].sort();
  const rows = models.map((model) => [
    model,
    ...shown.map((policy) => {
      const count = results.details[policy]?.models[model] ?? 0;
      const total = results.policies[policy]?.requests ?? 0;
      return total === 0 || count === 0 ? '' : `${((count / total) * 100).toFixed(1)}%`;
    }),
  ]);
  return formatMarkdownTable(['model', ...shown], rows);
}

/** Everything the report says, in Markdown. */
export function formatRoutingReport(results: RoutingResults, sweep: readonly CostWeightPoint[]): string {
  const { offline, online } = results.run.cost_weight;
  const targets = describeTargets(results);
  return [
    '# Routing benchmark',
    '',
    describeRun(results),
    '',
    '## Figures on the held-out prompts',
    '',
    formatFiguresMarkdown(results),
    '',
    ...(targets.length === 0 ? [] : ['## Targets (issue 10)', '', ...targets.map((line) => `- ${line}`), '']),
    '## Cost weight λ',
    '',
    describeCostWeight('optimizer-offline', offline),
    describeCostWeight('optimizer-online', online),
    '',
    ...(sweep.length === 0
      ? []
      : [sweepTable(sweep, [offline.cost_weight_per_usd, online.cost_weight_per_usd]), '']),
    describeOnline(results),
    '## Which models answered',
    '',
    modelMixTable(results),
    '',
    `![Accuracy against total cost per policy](${CHART_FILE})`,
    '',
  ].join('\n');
}

/** Writes results.json, report.md and the accuracy–cost chart into `directory`. */
export async function writeRoutingReport(
  directory: string,
  results: RoutingResults,
  sweep: readonly CostWeightPoint[],
): Promise<void> {
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(directory, 'report.md'), formatRoutingReport(results, sweep));
  await writeFile(join(directory, CHART_FILE), await renderChartPng(accuracyCostSpec(results)));
}
