import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOutcomeFiles } from '@switchboard/outcome-files';
import { testInfrastructure } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeWholeBenchOutput, runWholeBench } from '../shared/run-whole-bench.js';
import { parseRoutingFlags } from './parse-routing-flags.js';
import type { RoutingResults } from './routing-results.js';
import { runRouting } from './run-routing.js';
import { splitByPromptHash } from './split-prompts.js';

// 16 made-up prompts with outcomes for the 11 RouterBench models (the replay's fixture).
const PROMPTS = fileURLToPath(
  new URL('../replay/__fixtures__/routerbench-eleven-models.csv', import.meta.url),
);

describe('pnpm bench routing', () => {
  let out: string;
  let results: RoutingResults;

  beforeAll(async () => {
    ({ out, results } = await runWholeBench<RoutingResults>('routing-test-', async (dir, cleanup) => {
      const flags = parseRoutingFlags([
        ...['--train', PROMPTS, '--holdout', '0.25', '--cost-weight', '10', '--speedup', '20'],
        ...['--workers', '1', '--concurrency', '8', '--online-concurrency', '4', '--out', dir],
      ]);
      await runRouting(flags, testInfrastructure(), cleanup);
    }));
  }, 240_000);

  afterAll(() => removeWholeBenchOutput(out));

  it('writes every policy in the issue’s shape, with a report and a chart', async () => {
    const { test } = splitByPromptHash(await readOutcomeFiles([PROMPTS]), 0.25, 1);
    const models = [...test[0]!.outcomes.keys()];
    expect(Object.keys(results.policies)).toEqual([
      'optimizer-offline',
      'optimizer-online',
      'rules',
      ...models.map((model) => `always-${model}`),
      'oracle',
    ]);
    for (const figures of Object.values(results.policies)) {
      expect(Object.keys(figures).sort()).toEqual(['accuracy', 'cost_usd', 'requests']);
      expect(figures.requests).toBe(test.length);
    }
    expect(results.run).toMatchObject({ test_prompts: test.length, train_prompts: 16 - test.length });
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('## Figures on the held-out prompts');
    expect((await stat(join(out, 'accuracy-cost.png'))).size).toBeGreaterThan(0);
  });

  it('scores each single model by the outcomes recorded for it, through the running system', async () => {
    const { test } = splitByPromptHash(await readOutcomeFiles([PROMPTS]), 0.25, 1);
    for (const model of test[0]!.outcomes.keys()) {
      const outcomes = test.map((record) => record.outcomes.get(model)!);
      expect(results.policies[`always-${model}`]!.accuracy).toBeCloseTo(
        outcomes.filter((outcome) => outcome.quality >= 0.5).length / test.length,
        9,
      );
      expect(results.policies[`always-${model}`]!.cost_usd).toBeCloseTo(
        outcomes.reduce((sum, outcome) => sum + outcome.costUsd, 0),
        6,
      );
    }
    expect(Object.values(results.details).every((details) => details.errors === 0)).toBe(true);
  });

  it('tests the learned routes with their policies and the rules route without one', () => {
    const requests = results.run.test_prompts;
    expect(results.details['optimizer-offline']!.reasons).toEqual({ learned_policy: requests });
    expect(results.details['optimizer-online']!.reasons).toEqual({ learned_policy: requests });
    expect(results.details['rules']!.reasons).toEqual({ cheapest_feasible: requests });
    expect(results.details['oracle']!.computed).toBe(true);
  });

  it('streams every training prompt to the online route and sends its feedback', () => {
    expect(results.run.online_training).toMatchObject({
      prompts: results.run.train_prompts,
      exploration: 0.5,
      feedback_accepted: results.run.train_prompts,
      feedback_failed: 0,
    });
  });
});
