import type { AutoscaleResults } from './autoscale-results.js';
import { AUTOSCALE_POLICIES } from './autoscale-results.js';

const HEADER = [
  'policy      ',
  'requests',
  'errors',
  'SLO miss',
  '  p50 ms',
  '  p99 ms',
  'replica-s',
  'mean repl',
  'peak',
  'cold starts',
  'forecast MAE (naive)',
];

function formatRatio(ratio: number | null): string {
  return ratio === null ? '—' : `${ratio.toFixed(2)}×`;
}

/** The results as text: one row per policy, the ratios and the targets with their verdicts. */
export function formatAutoscaleResults(results: AutoscaleResults): string {
  const lines = [`  ${HEADER.join('  ')}`];
  for (const policy of AUTOSCALE_POLICIES) {
    const result = results.policies[policy];
    if (result === undefined) continue;
    const forecast =
      result.forecast === null
        ? '—'
        : `${result.forecast.mean_absolute_error_per_second.toFixed(2)} (${result.forecast.naive_mean_absolute_error_per_second.toFixed(2)}) rps`;
    const cells = [
      policy.padEnd(12),
      String(result.requests).padStart(8),
      String(result.errors).padStart(6),
      `${(result.slo_miss_rate * 100).toFixed(2)}%`.padStart(8),
      result.p50_ms.toFixed(0).padStart(8),
      result.p99_ms.toFixed(0).padStart(8),
      result.replica_seconds.toFixed(0).padStart(9),
      result.mean_replicas.toFixed(2).padStart(9),
      String(result.peak_replicas).padStart(4),
      String(result.cold_starts).padStart(11),
      forecast,
    ];
    lines.push(`  ${cells.join('  ')}`);
  }
  const ratios = Object.entries(results.ratios).map(
    ([pair, ratio]) =>
      `  ${pair}: SLO misses ${formatRatio(ratio.slo_miss_rate)}, replica-seconds ${formatRatio(ratio.replica_seconds)}`,
  );
  const targets = results.targets.map(
    (verdict) => `  ${verdict.met ? 'met   ' : 'MISSED'}  ${verdict.target} (${verdict.measured})`,
  );
  return [...lines, '', ...ratios, '', 'targets:', ...targets].join('\n');
}
