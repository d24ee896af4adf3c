import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { K8S_DIRECTORY, OVERLAYS, objectNamed, renderOverlay } from './support/render-overlay.js';

/** The rule files Prometheus loads outside Kubernetes (infra/prometheus/prometheus.yml, rule_files). */
const RULE_FILES = {
  'switchboard-recording': 'switchboard-recording.rules.yml',
  'switchboard-alerts': 'switchboard-alerts.rules.yml',
};

describe.each(OVERLAYS)('PrometheusRules of overlays/%s', (overlay) => {
  it.each(Object.entries(RULE_FILES))(
    '%s holds exactly the groups of infra/prometheus/rules/%s',
    (name, file) => {
      const rule = objectNamed<{ spec: { groups: unknown } }>(renderOverlay(overlay), 'PrometheusRule', name);
      const source = parse(readFileSync(`${K8S_DIRECTORY}../infra/prometheus/rules/${file}`, 'utf8')) as {
        groups: unknown;
      };
      expect(rule.spec.groups).toEqual(source.groups);
    },
  );
});
