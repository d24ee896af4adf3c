import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** Read relative to the repository root, where these files are mounted from in docker-compose. */
const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

interface ScrapeConfig {
  job_name: string;
  static_configs?: Array<{ targets: string[] }>;
  dns_sd_configs?: Array<{ names: string[]; port: number }>;
}

/** The metric table of libs/metrics/README.md: name → type. */
function documentedMetrics(): Map<string, string> {
  const rows = read('libs/metrics/README.md').matchAll(
    /^\| `(switchboard_[a-z_]+)` +\| (counter|gauge|histogram) /gm,
  );
  return new Map([...rows].map(([, name = '', type = '']) => [name, type]));
}

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/** Metric names a PromQL expression selects: identifiers outside label matchers, ranges, groupings and calls. */
function metricNamesIn(expression: string): string[] {
  const bare = expression
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)]
    .map(([, name = '']) => name)
    .filter((name) => !PROMQL_WORDS.has(name));
}

function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(read('infra/grafana/dashboards/switchboard.json')) as {
    panels: Array<{ targets?: Array<{ expr: string }> }>;
  };
  return dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);
}

describe('Prometheus and Grafana configuration', () => {
  it('scrapes every service on its documented metrics port by its compose name', () => {
    const config = parse(read('infra/prometheus/prometheus.yml')) as { scrape_configs: ScrapeConfig[] };
    const targets = Object.fromEntries(
      config.scrape_configs.map((job) => [
        job.job_name,
        [
          ...(job.static_configs ?? []).flatMap((entry) => entry.targets),
          ...(job.dns_sd_configs ?? []).flatMap((entry) =>
            entry.names.map((name) => `${name}:${entry.port}`),
          ),
        ],
      ]),
    );
    expect(targets).toEqual({
      router: ['router:9401'],
      registry: ['registry:9402'],
      worker: ['worker:9403'],
      monitor: ['monitor:9404'],
      optimizer: ['optimizer:9405'],
      'resource-manager': ['resource-manager:9406'],
    });
  });

  it('provisions the Prometheus datasource the dashboard uses and the dashboards folder', () => {
    const datasources = parse(read('infra/grafana/provisioning/datasources/prometheus.yaml')) as {
      apiVersion: number;
      datasources: Array<{ uid: string; type: string; url: string }>;
    };
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' }),
    ]);
    const providers = parse(read('infra/grafana/provisioning/dashboards/switchboard.yaml')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(providers.providers).toEqual([
      expect.objectContaining({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } }),
    ]);
  });

  it('queries only documented metrics in the dashboard, with _bucket series only of histograms', () => {
    const documented = documentedMetrics();
    expect(documented.size).toBeGreaterThan(10);
    const expressions = dashboardExpressions();
    expect(expressions.length).toBeGreaterThan(10);
    const unknown = expressions.flatMap((expression) =>
      metricNamesIn(expression).filter((name) => {
        const histogram = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
        return !(
          documented.has(name) ||
          (histogram !== undefined && documented.get(histogram) === 'histogram')
        );
      }),
    );
    expect(unknown).toEqual([]);
  });
});
