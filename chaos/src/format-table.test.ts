import { describe, expect, it } from 'vitest';
import { formatTable } from './format-table.js';
import type { ScenarioReport } from './scenario-report.js';
import type { TrafficFigures } from './tally-scenario.js';

const CLEAN: TrafficFigures = {
  accepted: 60,
  answered: 60,
  lost: 0,
  duplicateReplies: 0,
  duplicateExecutions: 0,
  deadLetters: 0,
  refused: 0,
  p99Ms: 812.4,
  lostIds: [],
};

function report(overrides: Partial<ScenarioReport> = {}): ScenarioReport {
  return {
    number: 1,
    title: 'worker SIGKILL mid-batch',
    figures: CLEAN,
    checks: [],
    measurements: {},
    durationMs: 1_000,
    ...overrides,
  };
}

describe('formatTable', () => {
  it('prints one row per scenario with its figures and a pass', () => {
    const table = formatTable([report()]);
    expect(table).toContain('| 1. worker SIGKILL mid-batch |       60 |       60 |    0 |');
    expect(table).toMatch(/\| +812 \| +pass \|$/m);
    expect(table).not.toContain('failed:');
  });

  it('marks a scenario that lost requests as failed and names the lost ids', () => {
    const table = formatTable([
      report({ figures: { ...CLEAN, answered: 58, lost: 2, lostIds: ['k1', 'k7'] } }),
    ]);
    expect(table).toContain('FAIL');
    expect(table).toContain('1: 2 accepted requests lost (k1, k7)');
  });

  it('lists each broken check with what was measured', () => {
    const table = formatTable([
      report({
        number: 7,
        checks: [{ name: 'a retried id is not executed twice', passed: false, detail: '12 ids ran twice' }],
      }),
    ]);
    expect(table).toContain('7: a retried id is not executed twice: 12 ids ran twice');
  });

  it('reports a scenario that did not finish as failed with its reason', () => {
    expect(formatTable([report({ error: 'the registry did not answer' })])).toContain(
      '1: did not finish: the registry did not answer',
    );
  });
});
