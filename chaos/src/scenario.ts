import type { RequestHistory } from './call-outcome.js';
import type { ScenarioCheck } from './scenario-report.js';
import type { ChaosInfrastructure } from './start-chaos-infrastructure.js';
import type { TrafficFigures } from './tally-scenario.js';

/** What a scenario gets to work with. */
export interface ScenarioContext {
  readonly infrastructure: ChaosInfrastructure;
  /** This scenario's log directory: one `<process>.log` per service process. */
  readonly logDirectory: string;
  /** Shorter phases for local runs (`--quick`); CI runs the full lengths. */
  readonly quick: boolean;
  /** Progress lines for the operator (stderr). */
  readonly progress: (line: string) => void;
}

/** What a scenario found, before the runner adds its number, title and duration. */
export interface ScenarioFindings {
  readonly figures: TrafficFigures;
  readonly checks: readonly ScenarioCheck[];
  readonly measurements: Readonly<Record<string, number | string>>;
  /** Every request's calls, written to the scenario's `requests.jsonl` for a closer look. */
  readonly histories: readonly RequestHistory[];
}

/** One fault the suite injects, and what must hold while and after it happens. */
export interface Scenario {
  /** 1–10, the numbering. */
  readonly number: number;
  /** Short, for the table: "worker SIGKILL mid-batch". */
  readonly title: string;
  run(context: ScenarioContext): Promise<ScenarioFindings>;
}
