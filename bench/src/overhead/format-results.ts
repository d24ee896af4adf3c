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

/** Compares `to` against `from`: added p50/p99 and the throughput ratio. */
function comparison(to: PathMeasurement, from: PathMeasurement): string {
  const p50 = formatAddedMs(to.p50Ms - from.p50Ms);
  const p99 = formatAddedMs(to.p99Ms - from.p99Ms);
  const ratio = (to.requestsPerSecond / from.requestsPerSecond).toFixed(2);
  return `(${to.key})−(${from.key}): p50 ${p50}, p99 ${p99}; (${to.key})/(${from.key}) throughput ${ratio}×`;
}

/**
 * Formats one concurrency's table: p50 and p99 in ms with three decimals, throughput in req/s, failed
 * requests, then (c) compared with (a), and with (b) for reference. Paths are found by key.
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
  const byKey = new Map(measurements.map((measurement) => [measurement.key, measurement]));
  const [a, b, c] = [byKey.get('a'), byKey.get('b'), byKey.get('c')];
  if (a !== undefined && c !== undefined) lines.push(`  ${comparison(c, a)}`);
  if (b !== undefined && c !== undefined) lines.push(`  ${comparison(c, b)}   (reference: bare NATS)`);
  for (const measurement of measurements.filter((each) => each.cpu.length > 0)) {
    const shares = measurement.cpu.map(({ name, usPerRequest }) => `${name} ${Math.round(usPerRequest)}`);
    lines.push(`  (${measurement.key}) CPU µs per request: ${shares.join(', ')}`);
  }
  for (const measurement of measurements.filter((each) => each.failed > 0)) {
    lines.push(`  (${measurement.key}) first failure: ${errorMessage(measurement.firstError)}`);
  }
  return lines.join('\n');
}
