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
    description: '(c) adds ≤ 0.5 ms at p50 over (a)',
    concurrency: 1,
    evaluate: (a, c) => ({ observed: formatAddedMs(c.p50Ms - a.p50Ms), met: c.p50Ms - a.p50Ms <= 0.5 }),
  },
  {
    description: '(c) adds ≤ 2 ms at p99 over (a)',
    concurrency: 1,
    evaluate: (a, c) => ({ observed: formatAddedMs(c.p99Ms - a.p99Ms), met: c.p99Ms - a.p99Ms <= 2 }),
  },
  {
    description: '(c) reaches ≥ 0.5× the throughput of (a)',
    concurrency: 64,
    evaluate: (a, c) => {
      const ratio = c.requestsPerSecond / a.requestsPerSecond;
      return { observed: `${ratio.toFixed(2)}×`, met: ratio >= 0.5 };
    },
  },
  {
    description: '(c) reaches ≥ 3,000 req/s',
    concurrency: 64,
    evaluate: (_a, c) => ({
      observed: `${Math.round(c.requestsPerSecond)}/s`,
      met: c.requestsPerSecond >= 3000,
    }),
  },
];

/** Concurrencies the targets are stated at; the bench measures exactly these. */
export const TARGET_CONCURRENCIES: readonly number[] = [
  ...new Set(TARGETS.map((target) => target.concurrency)),
];

/** One target's outcome; `met` is undefined when its paths or concurrency were not measured. */
export interface TargetOutcome {
  readonly concurrency: number;
  readonly description: string;
  readonly observed: string | undefined;
  readonly met: boolean | undefined;
}

/**
 * Checks every target against the measurements. A path with failed requests does not meet any
 * target: its figures describe a broken run.
 */
export function checkTargets(measurements: readonly PathMeasurement[]): TargetOutcome[] {
  return TARGETS.map((target) => {
    const find = (key: string) =>
      measurements.find(
        (measurement) => measurement.key === key && measurement.concurrency === target.concurrency,
      );
    const [a, c] = [find('a'), find('c')];
    const { concurrency, description } = target;
    if (a === undefined || c === undefined)
      return { concurrency, description, observed: undefined, met: undefined };
    const outcome = target.evaluate(a, c);
    return {
      concurrency,
      description,
      observed: outcome.observed,
      met: outcome.met && a.failed === 0 && c.failed === 0,
    };
  });
}

/**
 * Formats one line per target; targets whose paths or concurrency were not measured are shown as
 * skipped.
 * @returns the lines, ending with how many of the evaluated targets were missed.
 */
export function formatTargets(outcomes: readonly TargetOutcome[]): string {
  const lines = ['targets'];
  const evaluated = outcomes.filter((outcome) => outcome.met !== undefined);
  const missed = evaluated.filter((outcome) => outcome.met === false).length;
  for (const outcome of outcomes) {
    const label = `concurrency ${outcome.concurrency}: ${outcome.description}`;
    if (outcome.met === undefined || outcome.observed === undefined) {
      lines.push(`  ${label.padEnd(58)}${'skipped'.padStart(11)}   (needs (a) and (c) at this concurrency)`);
      continue;
    }
    lines.push(`  ${label.padEnd(58)}${outcome.observed.padStart(11)}   ${outcome.met ? 'met' : 'MISSED'}`);
  }
  lines.push(
    `  ${missed === 0 ? 'all' : `${missed} of`} ${evaluated.length} evaluated targets ${missed === 0 ? 'met' : 'missed'}`,
  );
  return lines.join('\n');
}
