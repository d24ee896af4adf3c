import type { PathMeasurement } from './measure-paths.js';

const COLUMN_WIDTHS = [30, 9, 9, 10, 8];

function row(cells: readonly string[]): string {
  return `  ${cells.map((cell, index) => (index === 0 ? cell.padEnd(COLUMN_WIDTHS[0] ?? 0) : cell.padStart(COLUMN_WIDTHS[index] ?? 0))).join('')}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `+0.123 ms` / `-0.045 ms`: three decimals, as the tables use. */
export function formatAddedMs(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(3)} ms`;
}

/** How one path compares with another at the same concurrency. */
export interface PathComparison {
  readonly concurrency: number;
  readonly path: string;
  readonly against: string;
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  readonly throughputRatio: number;
}

/** The comparisons the bench reports: (c) and (d) against (a), and against (b) for reference. */
const COMPARED: ReadonlyArray<readonly [string, string]> = [
  ['c', 'a'],
  ['d', 'a'],
  ['d', 'c'],
  ['c', 'b'],
];

/** Every comparison of {@link COMPARED} whose two paths were measured. */
export function comparePaths(measurements: readonly PathMeasurement[]): PathComparison[] {
  const byKey = new Map(measurements.map((measurement) => [measurement.key, measurement]));
  return COMPARED.flatMap(([path, against]) => {
    const [to, from] = [byKey.get(path), byKey.get(against)];
    if (to === undefined || from === undefined) return [];
    return [
      {
        concurrency: to.concurrency,
        path,
        against,
        addedP50Ms: to.p50Ms - from.p50Ms,
        addedP99Ms: to.p99Ms - from.p99Ms,
        throughputRatio: to.requestsPerSecond / from.requestsPerSecond,
      },
    ];
  });
}

function comparisonLine(comparison: PathComparison): string {
  const { path, against } = comparison;
  const p50 = formatAddedMs(comparison.addedP50Ms);
  const p99 = formatAddedMs(comparison.addedP99Ms);
  const ratio = comparison.throughputRatio.toFixed(2);
  const note = against === 'b' ? '   (reference: bare NATS)' : '';
  return `(${path})−(${against}): p50 ${p50}, p99 ${p99}; (${path})/(${against}) throughput ${ratio}×${note}`;
}

/**
 * Formats one concurrency's table: p50 and p99 in ms with three decimals, throughput in req/s, failed
 * requests, then (c) and (d) compared with (a), (d) with (c), and (c) with (b) for reference.
 */
export function formatConcurrencyResults(
  concurrency: number,
  measurements: readonly PathMeasurement[],
): string {
  const lines = [`concurrency ${concurrency}`, row(['path', 'p50 ms', 'p99 ms', 'req/s', 'failed'])];
  for (const measurement of measurements) {
    lines.push(
      row([
        `(${measurement.key}) ${measurement.label}`,
        measurement.p50Ms.toFixed(3),
        measurement.p99Ms.toFixed(3),
        Math.round(measurement.requestsPerSecond).toString(),
        measurement.failed.toString(),
      ]),
    );
  }
  for (const comparison of comparePaths(measurements)) lines.push(`  ${comparisonLine(comparison)}`);
  for (const measurement of measurements.filter((each) => each.cpu.length > 0)) {
    const shares = measurement.cpu.map(({ name, usPerRequest }) => `${name} ${Math.round(usPerRequest)}`);
    lines.push(`  (${measurement.key}) CPU µs per request: ${shares.join(', ')}`);
  }
  for (const measurement of measurements.filter((each) => each.syscalls.length > 0)) {
    const shares = measurement.syscalls.map(
      ({ name, readsPerRequest, writesPerRequest }) =>
        `${name} ${readsPerRequest.toFixed(1)}/${writesPerRequest.toFixed(1)}`,
    );
    lines.push(`  (${measurement.key}) read/write syscalls per request: ${shares.join(', ')}`);
  }
  for (const measurement of measurements.filter((each) => each.failed > 0)) {
    lines.push(`  (${measurement.key}) first failure: ${errorMessage(measurement.firstError)}`);
  }
  return lines.join('\n');
}
