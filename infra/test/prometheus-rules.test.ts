import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { markdownAnchors } from './support/markdown-anchors.js';
import { RULES_DIRECTORY, listRuleFiles, readPrometheusRules } from './support/prometheus-rules.js';
import { repositoryPath } from './support/repository-path.js';
import { runPromtool } from './support/run-promtool.js';

const UNIT_TESTS = 'switchboard-alerts.test.yml';
const RUNBOOKS = 'docs/operations.md';
const SEVERITIES = ['critical', 'warning', 'info'];

interface UnitTestFile {
  rule_files: string[];
  tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
}

describe('Prometheus rules', () => {
  it('pass promtool check rules, and prometheus.yml loads every rule file', () => {
    const files = listRuleFiles();
    expect(files.length).toBeGreaterThan(0);
    const rules = runPromtool(['check', 'rules', ...files], repositoryPath(RULES_DIRECTORY));
    expect(rules.output).not.toMatch(/FAILED/);
    expect(rules.exitCode, rules.output).toBe(0);
    const config = runPromtool(['check', 'config', 'prometheus.yml'], repositoryPath('infra/prometheus'));
    expect(config.exitCode, config.output).toBe(0);
    expect(config.output).toContain(`SUCCESS: ${files.length} rule files found`);
  });

  it('fire every alert on synthetic series in the promtool unit tests', () => {
    const result = runPromtool(['test', 'rules', UNIT_TESTS], repositoryPath(RULES_DIRECTORY));
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
    // A new alert without a test that expects it to fire fails here.
    const unitTests = parse(
      readFileSync(repositoryPath(`${RULES_DIRECTORY}/${UNIT_TESTS}`), 'utf8'),
    ) as UnitTestFile;
    expect([...unitTests.rule_files].sort()).toEqual(listRuleFiles());
    const fired = new Set(
      unitTests.tests
        .flatMap((test) => test.alert_rule_test ?? [])
        .filter((check) => (check.exp_alerts ?? []).length > 0)
        .map((check) => check.alertname),
    );
    const untested = readPrometheusRules()
      .alerts.map((rule) => rule.alert)
      .filter((name) => !fired.has(name));
    expect(untested).toEqual([]);
  });

  it('give every alert a severity, a summary, a description and a runbook that exists in docs/operations.md', () => {
    const anchors = markdownAnchors(readFileSync(repositoryPath(RUNBOOKS), 'utf8'));
    const { alerts } = readPrometheusRules();
    expect(alerts.length).toBeGreaterThan(10);
    const problems = alerts.flatMap((rule) => {
      const found: string[] = [];
      if (!SEVERITIES.includes(rule.labels?.severity ?? '')) found.push('severity');
      if (!rule.annotations?.summary) found.push('summary');
      if (!rule.annotations?.description) found.push('description');
      const [document, anchor = ''] = (rule.annotations?.runbook_url ?? '').split('#');
      if (document !== RUNBOOKS || !anchors.has(anchor))
        found.push(`runbook_url ${rule.annotations?.runbook_url ?? '(none)'}`);
      return found.map((problem) => `${rule.alert}: ${problem}`);
    });
    expect(problems).toEqual([]);
  });
});
