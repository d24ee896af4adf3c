import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repositoryPath } from './repository-path.js';

/** The folder of the rule files, relative to the repository root. */
export const RULES_DIRECTORY = 'infra/prometheus/rules';

/** One alerting rule as written in a rule file. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** One recording rule as written in a rule file. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** Every rule of the rule files, by kind, and the files they came from. */
export interface PrometheusRules {
  readonly files: readonly string[];
  readonly alerts: readonly AlertRule[];
  readonly records: readonly RecordingRule[];
}

interface RuleFile {
  groups: Array<{ name: string; rules: Array<Partial<AlertRule> & Partial<RecordingRule>> }>;
}

/** The rule files Prometheus loads (`*.rules.yml`; unit tests are `*.test.yml`), relative to the rules folder. */
export function listRuleFiles(): string[] {
  return readdirSync(repositoryPath(RULES_DIRECTORY))
    .filter((name) => name.endsWith('.rules.yml'))
    .sort();
}

/** Reads and parses every rule file. */
export function readPrometheusRules(): PrometheusRules {
  const files = listRuleFiles();
  const rules = files.flatMap((file) => {
    const content = parse(readFileSync(join(repositoryPath(RULES_DIRECTORY), file), 'utf8')) as RuleFile;
    return content.groups.flatMap((group) => group.rules);
  });
  return {
    files,
    alerts: rules.filter((rule): rule is AlertRule => typeof rule.alert === 'string'),
    records: rules.filter((rule): rule is RecordingRule => typeof rule.record === 'string'),
  };
}
