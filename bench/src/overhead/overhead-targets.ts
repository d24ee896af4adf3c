import { formatAddedMs } from './format-results.js';
import type { PathMeasurement } from './measure-paths.js';

/** A goal for the full path (c) relative to the single-model server (a). */
interface Target {
  readonly description: string;
  readonly concurrency: number;
  /** The observed figure, formatted, and whether it meets the goal. */
  readonly evaluate: (a: PathMeasurement, c: PathMeasurement) => { observed: string; met: boolean };
}

/** Switchboard's overhead budget: what the router → JetStream → worker path may add over a plain OIP server. */
const TARGETS: readonly Target[] = [
  {
    description: '(c) adds ≤ 1 ms at p50 over (a)',
    concurrency: 1,
    evaluate: (a, c) => ({ observed: formatAddedMs(c.p50Ms - a.p50Ms), met: c.p50Ms - a.p50Ms <= 1 }),
  },
  {
    description: '(c) adds ≤ 3 ms at p99 over (a)',
    concurrency: 1,
    evaluate: (a, c) => ({ observed: formatAddedMs(c.p99Ms - a.p99Ms), met: c.p99Ms - a.p99Ms <= 3 }),
  },
  {
    description: '(c) reaches ≥ 0.5× the throughput of (a)',
    concurrency: 64,
    evaluate: (a, c) => {
      const ratio = c.requestsPerSecond / a.requestsPerSecond;
      return { observed: `${ratio.toFixed(2)}×`, met: ratio >= 0.5 };
    },
  },
];

/** Concurrencies the targets are stated at; the bench measures exactly these. */
export const TARGET_CONCURRENCIES: readonly number[] = [
  ...new Set(TARGETS.map((target) => target.concurrency)),
];

/**
 * Checks every target against the measurements and formats one line each. A path with failed
 * requests does not meet any target: its figures describe a broken run. Targets whose paths or
 * concurrency were not measured are shown as skipped.
 * @returns the lines, ending with how many of the evaluated targets were missed.
 */
export function evaluateTargets(measurements: readonly PathMeasurement[]): string {
  const lines = ['targets'];
  let evaluated = 0;
  let missed = 0;
  for (const target of TARGETS) {
    const find = (key: string) =>
      measurements.find(
        (measurement) => measurement.key === key && measurement.concurrency === target.concurrency,
      );
    const [a, c] = [find('a'), find('c')];
    const label = `concurrency ${target.concurrency}: ${target.description}`;
    if (a === undefined || c === undefined) {
      lines.push(`  ${label.padEnd(58)}${'skipped'.padStart(11)}   (needs (a) and (c) at this concurrency)`);
      continue;
    }
    const outcome = target.evaluate(a, c);
    const met = outcome.met && a.failed === 0 && c.failed === 0;
    evaluated += 1;
    if (!met) missed += 1;
    lines.push(`  ${label.padEnd(58)}${outcome.observed.padStart(11)}   ${met ? 'met' : 'MISSED'}`);
  }
  lines.push(
    `  ${missed === 0 ? 'all' : `${missed} of`} ${evaluated} evaluated targets ${missed === 0 ? 'met' : 'missed'}`,
  );
  return lines.join('\n');
}
