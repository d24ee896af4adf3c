import type { TrafficFigures } from './tally-scenario.js';

/** One promise a scenario checks beyond "nothing lost, nothing answered twice". */
export interface ScenarioCheck {
  /** What must hold, as a sentence: "every call during the outage ended within 6 s". */
  readonly name: string;
  readonly passed: boolean;
  /** What was measured. */
  readonly detail: string;
}

/** What one scenario found. */
export interface ScenarioReport {
  /** 1–10, the numbering. */
  readonly number: number;
  readonly title: string;
  readonly figures: TrafficFigures;
  readonly checks: readonly ScenarioCheck[];
  /** Further measurements worth keeping in results.json (refusal latency, memory, …). */
  readonly measurements: Readonly<Record<string, number | string>>;
  readonly durationMs: number;
  /** Set when the scenario could not run to the end; it then fails. */
  readonly error?: string;
}

/** A check from a condition and what was measured. */
export function check(name: string, passed: boolean, detail: string): ScenarioCheck {
  return { name, passed, detail };
}

/**
 * Whether a scenario kept Switchboard's promises: it ran to the end, nothing accepted was lost or
 * answered twice, and each of its own checks held.
 */
export function scenarioPassed(report: ScenarioReport): boolean {
  return (
    report.error === undefined &&
    report.figures.lost === 0 &&
    report.figures.duplicateReplies === 0 &&
    report.checks.every((entry) => entry.passed)
  );
}
