import { formatMarkdownTable, formatRatio, MISSING } from '../replay/format-report-table.js';
import { REFERENCE_POLICY } from './summarise-routing.js';
import type { RoutingResults } from './routing-results.js';

/** The targets on held-out prompts, reported beside the figures (never used to tune anything). */
const TARGETS = [
  { policy: 'optimizer-offline', label: 'target', accuracy: 0.86, costShare: 0.4 },
  { policy: 'optimizer-offline', label: 'stretch', accuracy: 0.874, costShare: 0.5 },
  { policy: 'optimizer-online', label: 'target', accuracy: 0.83, costShare: 0.35 },
] as const;

/** Rows of the figures table: policy, accuracy, cost, requests, errors and both ratios. */
function figureRows(results: RoutingResults): string[][] {
  return Object.entries(results.policies).map(([policy, figures]) => {
    const ratio = results.ratios_to_always_gpt_4[policy];
    const details = results.details[policy];
    return [
      details?.computed === true ? `${policy} (computed)` : policy,
      figures.accuracy.toFixed(3),
      figures.cost_usd.toFixed(3),
      String(figures.requests),
      details?.computed === true ? MISSING : String(details?.errors ?? 0),
      formatRatio(ratio?.accuracy ?? null),
      formatRatio(ratio?.cost ?? null),
    ];
  });
}

const HEADER = ['policy', 'accuracy', 'cost $', 'requests', 'errors', 'accuracy ÷ gpt-4', 'cost ÷ gpt-4'];

/** The figures as aligned plain-text columns for stdout. */
export function formatFiguresText(results: RoutingResults): string {
  const rows = [HEADER, ...figureRows(results)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!)))
        .join('  '),
    )
    .join('\n');
}

/** The figures as a Markdown table. */
export function formatFiguresMarkdown(results: RoutingResults): string {
  return formatMarkdownTable(HEADER, figureRows(results));
}

/** One line per target: the policy's measured accuracy and cost share against it, and whether it is met. */
export function describeTargets(results: RoutingResults): string[] {
  return TARGETS.flatMap((target) => {
    const figures = results.policies[target.policy];
    const ratio = results.ratios_to_always_gpt_4[target.policy];
    if (figures === undefined || ratio === undefined) return [];
    const met = figures.accuracy >= target.accuracy && ratio.cost <= target.costShare;
    return [
      `${target.policy} ${target.label} ≥ ${target.accuracy} at ≤ ${target.costShare * 100}% of ${REFERENCE_POLICY}'s cost: ` +
        `${figures.accuracy.toFixed(3)} at ${(ratio.cost * 100).toFixed(1)}% — ${met ? 'met' : 'not met'}`,
    ];
  });
}
