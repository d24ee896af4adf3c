import { describe, expect, it } from 'vitest';
import { accuracyCostSpec } from './routing-chart-spec.js';
import type { RoutingResults } from './routing-results.js';

const figures = (accuracy: number, cost_usd: number) => ({ accuracy, cost_usd, requests: 10 });

describe('accuracyCostSpec', () => {
  it('gives policies with equal figures one point and puts a crowded neighbour’s label below', () => {
    const results = {
      policies: {
        rules: figures(0.54, 0.035),
        'always-mistral': figures(0.54, 0.035),
        'always-wizard': figures(0.54, 0.052),
        'always-gpt-4': figures(0.87, 2.2),
      },
      run: { test_prompts: 10 },
    } as unknown as RoutingResults;

    const values = (accuracyCostSpec(results).data as { values: Record<string, unknown>[] }).values;

    expect(values.map(({ label, kind, labelBelow }) => [label, kind, labelBelow])).toEqual([
      ['rules = always-mistral', 'rules', false],
      ['always-wizard', 'one model', true],
      ['always-gpt-4', 'one model', false],
    ]);
  });
});
