import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario, ScenarioContext } from './scenario.js';
import type { ScenarioReport } from './scenario-report.js';

const NO_TRAFFIC = {
  accepted: 0,
  answered: 0,
  lost: 0,
  duplicateReplies: 0,
  duplicateExecutions: 0,
  deadLetters: 0,
  refused: 0,
  p99Ms: 0,
  lostIds: [],
};

/**
 * Runs one scenario with its own log directory and times it. A scenario that throws is reported as
 * failed with the reason, and the suite goes on with the next.
 */
export async function runScenario(
  scenario: Scenario,
  context: Omit<ScenarioContext, 'logDirectory'> & { readonly logRoot: string },
): Promise<ScenarioReport> {
  const logDirectory = join(context.logRoot, `scenario-${scenario.number}`);
  mkdirSync(logDirectory, { recursive: true });
  const startedMs = performance.now();
  const base = { number: scenario.number, title: scenario.title };
  context.progress(`scenario ${scenario.number}: ${scenario.title} (logs: ${logDirectory})`);
  try {
    const { histories, ...findings } = await scenario.run({ ...context, logDirectory });
    const lines = histories.map((history) => JSON.stringify(history));
    writeFileSync(join(logDirectory, 'requests.jsonl'), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    return { ...base, ...findings, durationMs: performance.now() - startedMs };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    context.progress(`scenario ${scenario.number} did not finish: ${reason}`);
    return {
      ...base,
      figures: NO_TRAFFIC,
      checks: [],
      measurements: {},
      durationMs: performance.now() - startedMs,
      error: reason,
    };
  }
}
