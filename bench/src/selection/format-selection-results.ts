import type { Strategy } from './choose-targets.js';
import type { DecisionTiming } from './measure-decision-time.js';
import type { StrategySummary } from './summarise-outcomes.js';

/** Decision time the router's selection must stay within, per request, in microseconds. */
export const DECISION_TARGET_US = 50;

const RESULT_COLUMNS = [
  'strategy',
  'requests',
  'errors',
  'mean ms',
  'p95 ms',
  'p99 ms',
  'SLO miss',
  'µ$/req',
  'quality',
  '<floor',
];
const RESULT_WIDTHS = [13, 9, 8, 9, 9, 9, 10, 9, 9, 8];
const RATIO_COLUMNS = ['ratio to static', 'mean', 'p95', 'p99', 'SLO miss', 'cost', 'quality'];
const RATIO_WIDTHS = [17, 8, 8, 8, 10, 8, 9];

function row(cells: readonly string[], widths: readonly number[]): string {
  return `  ${cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[index] ?? 0))).join('')}`;
}

/** `1.23×`, or `—` when the static figure is 0 and no ratio exists. */
function ratio(value: number, reference: number): string {
  if (reference === 0) return value === 0 ? '1.00×' : '—';
  return `${(value / reference).toFixed(2)}×`;
}

function resultRow(strategy: Strategy, summary: StrategySummary): string {
  return row(
    [
      strategy,
      String(summary.requests),
      String(summary.errors),
      summary.meanMs.toFixed(1),
      summary.p95Ms.toFixed(1),
      summary.p99Ms.toFixed(1),
      `${summary.sloMissPercent.toFixed(1)}%`,
      summary.costPerRequestMicros.toFixed(1),
      summary.quality.toFixed(3),
      `${summary.belowFloorPercent.toFixed(1)}%`,
    ],
    RESULT_WIDTHS,
  );
}

function ratioRow(strategy: Strategy, summary: StrategySummary, reference: StrategySummary): string {
  return row(
    [
      strategy,
      ratio(summary.meanMs, reference.meanMs),
      ratio(summary.p95Ms, reference.p95Ms),
      ratio(summary.p99Ms, reference.p99Ms),
      ratio(summary.sloMissPercent, reference.sloMissPercent),
      ratio(summary.costPerRequestMicros, reference.costPerRequestMicros),
      ratio(summary.quality, reference.quality),
    ],
    RATIO_WIDTHS,
  );
}

function detailLines(strategy: Strategy, summary: StrategySummary): string[] {
  const total = summary.servedBy.reduce((sum, [, count]) => sum + count, 0);
  const served = summary.servedBy.map(
    ([model, count]) => `${model} ${((count / Math.max(1, total)) * 100).toFixed(0)}%`,
  );
  const lines = [
    `  ${strategy.padEnd(13)}served by ${served.join(', ') || 'nothing'}; send lag p99 ${summary.sendLagP99Ms.toFixed(1)} ms`,
  ];
  if (summary.errors > 0) {
    const errors = summary.errorsByStatus.map(([name, count]) => `${name} ${count}`).join(', ');
    lines.push(`  ${''.padEnd(13)}errors: ${errors}; first: ${summary.firstError ?? 'unknown'}`);
  }
  return lines;
}

/**
 * Formats the comparison: one row of absolute figures per strategy, the same figures as ratios to
 * static, and per strategy which models answered, how late the sender ran and which errors occurred.
 */
export function formatStrategyResults(summaries: ReadonlyMap<Strategy, StrategySummary>): string {
  const lines = [row(RESULT_COLUMNS, RESULT_WIDTHS)];
  for (const [strategy, summary] of summaries) lines.push(resultRow(strategy, summary));
  const reference = summaries.get('static');
  if (reference !== undefined) {
    lines.push('', row(RATIO_COLUMNS, RATIO_WIDTHS));
    for (const [strategy, summary] of summaries) lines.push(ratioRow(strategy, summary, reference));
  }
  lines.push('');
  for (const [strategy, summary] of summaries) lines.push(...detailLines(strategy, summary));
  return lines.join('\n');
}

/** One decision-timing case, as the table shows it. */
export interface DecisionTimingCase {
  readonly label: string;
  readonly timing: DecisionTiming;
  /** Whether the request waits for it, so the target applies. @default true */
  readonly onRequestPath?: boolean;
}

const TIMING_COLUMNS = [
  'in-process ModelSelector.decide',
  'calls',
  'p50 µs',
  'p99 µs',
  'max µs',
  'p99 ≤ 50 µs',
];
const TIMING_WIDTHS = [48, 9, 9, 9, 9, 15];

/**
 * The decision-time table: per case the calls timed, p50, p99 and max, and whether the p99 meets
 * {@link DECISION_TARGET_US} (for work the request waits for); then the learned decision's time as a ratio to the rules' on the same
 * prompts, when both were timed.
 */
export function formatDecisionTimings(
  cases: readonly DecisionTimingCase[],
  comparison?: { readonly rules: DecisionTiming; readonly learned: DecisionTiming },
): string {
  const lines = [row(TIMING_COLUMNS, TIMING_WIDTHS)];
  for (const { label, timing, onRequestPath = true } of cases) {
    const verdict = !onRequestPath ? '(after answer)' : timing.p99Us <= DECISION_TARGET_US ? 'met' : 'MISSED';
    lines.push(
      row(
        [
          label,
          timing.calls.toLocaleString('en-US'),
          timing.p50Us.toFixed(1),
          timing.p99Us.toFixed(1),
          timing.maxUs.toFixed(0),
          verdict,
        ],
        TIMING_WIDTHS,
      ),
    );
  }
  if (comparison !== undefined) {
    const { rules, learned } = comparison;
    lines.push(
      `  learned policy ÷ rules on the same prompts: p50 ${ratio(learned.p50Us, rules.p50Us)}, p99 ${ratio(learned.p99Us, rules.p99Us)}`,
    );
  }
  return lines.join('\n');
}
