import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatFiguresText } from './format-routing-results.js';
import type { RoutingResults } from './routing-results.js';
import { formatRoutingReport, writeRoutingReport } from './write-routing-report.js';

const fitted = { cost_weight_per_usd: 11.2, cost_target: 0.4, fit_accuracy: 0.83, fit_cost_share: 0.39 };
const details = (computed = false) => ({
  errors: 0,
  models: { 'gpt-4-1106-preview': 5 },
  reasons: {},
  computed,
});

/** Made-up figures in the shape a run produces. */
const results: RoutingResults = {
  policies: {
    'optimizer-offline': { accuracy: 0.87, cost_usd: 0.8, requests: 445 },
    rules: { accuracy: 0.59, cost_usd: 0.08, requests: 445 },
    'always-gpt-4-1106-preview': { accuracy: 0.874, cost_usd: 2.2, requests: 445 },
    oracle: { accuracy: 0.97, cost_usd: 0.2, requests: 445 },
  },
  ratios_to_always_gpt_4: {
    'optimizer-offline': { accuracy: 0.87 / 0.874, cost: 0.8 / 2.2 },
    rules: { accuracy: 0.59 / 0.874, cost: 0.08 / 2.2 },
    'always-gpt-4-1106-preview': { accuracy: 1, cost: 1 },
    oracle: { accuracy: 0.97 / 0.874, cost: 0.2 / 2.2 },
  },
  details: {
    'optimizer-offline': details(),
    rules: details(),
    'always-gpt-4-1106-preview': details(),
    oracle: details(true),
  },
  run: {
    train: ['a.csv'],
    test: [],
    holdout: 0.2,
    seed: 1,
    train_prompts: 1780,
    test_prompts: 445,
    speedup: 10,
    concurrency: 64,
    workers: 2,
    machine: '2 cores',
    test_exploration: 0.1,
    cost_weight: { offline: fitted, online: { ...fitted, cost_target: 0.35 } },
    online_training: null,
    seconds: 300,
  },
};

describe('formatFiguresText', () => {
  it('lines the policies up with both ratios and marks the computed oracle', () => {
    const lines = formatFiguresText(results).split('\n');
    expect(lines[0]).toMatch(
      /^policy\s+accuracy\s+cost \$\s+requests\s+errors\s+accuracy ÷ gpt-4\s+cost ÷ gpt-4$/,
    );
    expect(lines[1]).toMatch(/^optimizer-offline\s+0\.870\s+0\.800\s+445\s+0\s+1\.00×\s+0\.36×$/);
    expect(lines[4]).toMatch(/^oracle \(computed\)\s+0\.970\s+0\.200\s+445\s+—\s+1\.11×\s+0\.09×$/);
  });
});

describe('formatRoutingReport', () => {
  it('reports the figures, each target met or not, λ with its fit and where the oracle comes from', () => {
    const report = formatRoutingReport(results, []);
    expect(report).toContain('| optimizer-offline | 0.870 | 0.800 | 445 | 0 | 1.00× | 0.36× |');
    expect(report).toContain(
      "- optimizer-offline target ≥ 0.86 at ≤ 40% of always-gpt-4-1106-preview's cost: 0.870 at 36.4% — met",
    );
    expect(report).toContain(
      "- optimizer-offline stretch ≥ 0.874 at ≤ 50% of always-gpt-4-1106-preview's cost: 0.870 at 36.4% — not met",
    );
    expect(report).not.toContain('optimizer-online target');
    expect(report).toContain('λ = 11.2 per US$, fitted for ≤ 40%');
    expect(report).toMatch(/`oracle` is computed from the recorded outcomes/);
  });
});

describe('writeRoutingReport', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'routing-report-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes results.json with the issue’s shape, report.md and a PNG chart', async () => {
    await writeRoutingReport(directory, results, []);

    const json = JSON.parse(await readFile(join(directory, 'results.json'), 'utf8')) as RoutingResults;
    expect(json.policies['rules']).toEqual({ accuracy: 0.59, cost_usd: 0.08, requests: 445 });
    expect(await readFile(join(directory, 'report.md'), 'utf8')).toContain('![Accuracy against total cost');
    const png = await readFile(join(directory, 'accuracy-cost.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
