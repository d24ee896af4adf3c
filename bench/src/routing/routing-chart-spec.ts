import type { TopLevelSpec } from 'vega-lite';
import type { RoutingResults } from './routing-results.js';

/** Which family a policy belongs to, for its colour on the chart. */
export function policyKind(policy: string): string {
  if (policy.startsWith('optimizer-')) return 'optimizer';
  if (policy.startsWith('always-')) return 'one model';
  if (policy === 'oracle') return 'oracle (bound, computed)';
  return 'rules';
}

const KINDS = ['optimizer', 'rules', 'one model', 'oracle (bound, computed)'];
const KIND_COLOURS = ['#e45756', '#4c78a8', '#9d755d', '#79706e'];
const CHART_WIDTH = 640;
const CHART_HEIGHT = 400;

/**
 * Vega-Lite spec of accuracy against total cost on the held-out prompts, one labelled point per
 * policy, coloured by kind; cost on a log scale because single models span two orders of magnitude.
 */
export function accuracyCostSpec(results: RoutingResults): TopLevelSpec {
  const values = Object.entries(results.policies)
    .filter(([, figures]) => figures.cost_usd > 0)
    .map(([policy, figures]) => ({
      policy,
      kind: policyKind(policy),
      costUsd: figures.cost_usd,
      accuracy: figures.accuracy,
    }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Accuracy vs cost on ${results.run.test_prompts} held-out prompts`,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values },
    encoding: {
      x: {
        field: 'costUsd',
        type: 'quantitative',
        scale: { type: 'log', nice: false, padding: 30 },
        axis: { format: '.2~r' },
        title: 'Total cost (USD, log scale)',
      },
      y: {
        field: 'accuracy',
        type: 'quantitative',
        scale: { zero: false, padding: 20 },
        axis: { format: '.0%' },
        title: 'Accuracy (answered correctly)',
      },
    },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 120, opacity: 1 },
        encoding: {
          color: {
            field: 'kind',
            type: 'nominal',
            scale: { domain: KINDS, range: KIND_COLOURS },
            title: 'Policy',
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 8, dy: -6, fontSize: 11 },
        encoding: { text: { field: 'policy', type: 'nominal' } },
      },
    ],
  };
}
