import type { BatchingResults, StrategyFigures } from './batching-results.js';

/** Setup lines printed above each scenario's table. */
export interface ScenarioHeadings {
  readonly onnx: string;
  readonly stepwise: string;
}

function formatNumber(value: number | null, digits: number): string {
  return value === null ? '∞' : value.toFixed(digits);
}

function formatTable(figures: Readonly<Record<string, StrategyFigures>>, rateDigits: number): string[] {
  const header = ['strategy', 'max rate within SLO', 'throughput', 'P99 ms', 'mean batch'];
  const rows = Object.entries(figures).map(([strategy, result]) => [
    strategy,
    result.throughput_rps === 0
      ? 'none'
      : `${result.offered_rps.toFixed(rateDigits)}/s${result.bracketed ? '' : ' (or more)'}`,
    `${result.throughput_rps.toFixed(rateDigits)}/s`,
    formatNumber(result.p99_ms, 1),
    result.mean_batch_size.toFixed(1),
  ]);
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [line(header), ...rows.map(line)];
}

/**
 * The printed report: per scenario its setup line and a table of each strategy at its highest rate
 * within the SLO (throughput, P99, mean batch size), then the targets with ratios and verdicts.
 */
export function formatBatchingResults(results: BatchingResults, headings: ScenarioHeadings): string {
  const lines: string[] = [];
  if (Object.keys(results.onnx).length > 0) {
    lines.push(headings.onnx, ...formatTable(results.onnx, 0), '');
  }
  if (Object.keys(results.stepwise).length > 0) {
    lines.push(headings.stepwise, ...formatTable(results.stepwise, 2), '');
  }
  lines.push('targets (throughput within the same P99 SLO):');
  for (const target of results.targets) {
    const ratio = target.ratio === null ? 'no baseline rate' : `${target.ratio.toFixed(2)}×`;
    lines.push(`  ${target.name}: ${ratio} (target ≥ ${target.atLeast}×): ${target.met ? 'met' : 'MISSED'}`);
  }
  if (results.targets.length === 0) lines.push('  none: a target needs both of its strategies in the run');
  return lines.join('\n');
}
