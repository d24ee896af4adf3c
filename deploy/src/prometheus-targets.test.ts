import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scrapeJobNames, targetProblems } from './prometheus-targets.js';
import type { ActiveTarget } from './prometheus-targets.js';

const target = (job: string, address: string, health = 'up', lastError = ''): ActiveTarget => ({
  labels: { job, instance: address },
  scrapeUrl: `http://${address}/metrics`,
  health,
  lastError,
});

describe('scrapeJobNames', () => {
  it('lists every service of the compose stack from infra/prometheus/prometheus.yml', () => {
    const jobs = scrapeJobNames(
      readFileSync(new URL('../../infra/prometheus/prometheus.yml', import.meta.url), 'utf8'),
    );

    expect(jobs).toEqual(
      expect.arrayContaining(['router', 'registry', 'worker', 'monitor', 'optimizer', 'resource-manager']),
    );
  });
});

describe('targetProblems', () => {
  it('accepts jobs whose targets are all up, with enough workers', () => {
    const targets = [
      target('router', 'router:9401'),
      target('worker', '10.0.0.5:9403'),
      target('worker', '10.0.0.6:9403'),
    ];

    expect(targetProblems(['router', 'worker'], targets, { worker: 2 })).toEqual([]);
  });

  it('names a job nobody scrapes, a pool smaller than expected and a target that is down', () => {
    const targets = [
      target('worker', '10.0.0.5:9403'),
      target('router', 'router:9401', 'down', 'connection refused'),
    ];

    expect(targetProblems(['router', 'worker', 'monitor'], targets, { worker: 2 })).toEqual([
      'router: http://router:9401/metrics is down (connection refused)',
      'worker: 1 target(s), expected at least 2',
      'monitor: 0 target(s), expected at least 1',
    ]);
  });
});
