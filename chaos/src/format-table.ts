import { scenarioPassed } from './scenario-report.js';
import type { ScenarioReport } from './scenario-report.js';

const HEADER = [
  'scenario',
  'accepted',
  'answered',
  'lost',
  'dup replies',
  'dup executions',
  'dead letters',
  'P99 ms',
  'result',
];

function toRow(report: ScenarioReport): string[] {
  const { figures } = report;
  return [
    `${report.number}. ${report.title}`,
    String(figures.accepted),
    String(figures.answered),
    String(figures.lost),
    String(figures.duplicateReplies),
    String(figures.duplicateExecutions),
    String(figures.deadLetters),
    String(Math.round(figures.p99Ms)),
    scenarioPassed(report) ? 'pass' : 'FAIL',
  ];
}

/** Why a scenario failed, one indented line per reason. */
function describeFailures(report: ScenarioReport): string[] {
  const lines: string[] = [];
  if (report.error !== undefined) lines.push(`did not finish: ${report.error}`);
  if (report.figures.lost > 0)
    lines.push(`${report.figures.lost} accepted requests lost (${report.figures.lostIds.join(', ')})`);
  if (report.figures.duplicateReplies > 0)
    lines.push(`${report.figures.duplicateReplies} duplicate replies reached clients`);
  for (const entry of report.checks.filter((candidate) => !candidate.passed))
    lines.push(`${entry.name}: ${entry.detail}`);
  return lines.map((line) => `  ${report.number}: ${line}`);
}

/**
 * The results as a Markdown table (readable on a terminal as is, and pasted into the README), then
 * one line per broken promise.
 */
export function formatTable(reports: readonly ScenarioReport[]): string {
  const rows = [HEADER, ...reports.map(toRow)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: string[]) =>
    `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  const [header, ...body] = rows;
  const failures = reports.flatMap(describeFailures);
  return [
    format(header ?? []),
    rule,
    ...body.map(format),
    ...(failures.length > 0 ? ['', 'failed:', ...failures] : []),
  ].join('\n');
}
