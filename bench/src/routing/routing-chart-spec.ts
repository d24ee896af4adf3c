import type { TopLevelSpec } from 'vega-lite';
import type { RoutingResults } from './routing-results.js';
import { accuracyCostAxes } from '../shared/accuracy-cost-axes.js';

/** Which family a policy belongs to, for its colour on the chart. */
function policyKind(policy: string): string {
  if (policy.startsWith('optimizer-')) return 'optimizer';
  if (policy.startsWith('always-')) return 'one model';
  if (policy === 'oracle') return 'oracle (computed)';
  return 'rules';
}

const KINDS = ['optimizer', 'rules', 'one model', 'oracle (computed)'];
const KIND_COLOURS = ['#e45756', '#4c78a8', '#9d755d', '#79706e'];
const CHART_WIDTH = 640;
const CHART_HEIGHT = 400;

/** Points this close (decades of cost, share of accuracy) would have their labels overlap. */
const NEAR_DECADES = 0.25;
const NEAR_ACCURACY = 0.03;

/** A point of the chart: one or more policies with the same figures. */
interface ChartPoint {
  label: string;
  kind: string;
  costUsd: number;
  accuracy: number;
  /** The label goes below the point, because the next cheaper point's label sits above at its height. */
  labelBelow: boolean;
}

/**
 * The chart's points, cheapest first: policies with identical figures share a point and a label
 * (`rules = always-…`); a point close to the previous one gets its label below, so labels do not overlap.
 */
function toChartPoints(results: RoutingResults): ChartPoint[] {
  const points = new Map<string, ChartPoint>();
  for (const [policy, figures] of Object.entries(results.policies)) {
    if (figures.cost_usd <= 0) continue;
    const key = `${figures.cost_usd}|${figures.accuracy}`;
    const point = points.get(key);
    if (point === undefined) {
      const { cost_usd: costUsd, accuracy } = figures;
      points.set(key, { label: policy, kind: policyKind(policy), costUsd, accuracy, labelBelow: false });
    } else point.label = `${point.label} = ${policy}`;
  }
  const sorted = [...points.values()].sort((left, right) => left.costUsd - right.costUsd);
  sorted.forEach((point, position) => {
    const previous = sorted[position - 1];
    point.labelBelow =
      previous !== undefined &&
      !previous.labelBelow &&
      Math.log10(point.costUsd / previous.costUsd) < NEAR_DECADES &&
      Math.abs(point.accuracy - previous.accuracy) < NEAR_ACCURACY;
  });
  return sorted;
}

/**
 * Vega-Lite spec of accuracy against total cost on the held-out prompts, one labelled point per
 * policy (policies with equal figures share one), coloured by kind; cost on a log scale because
 * single models span two orders of magnitude.
 */
export function accuracyCostSpec(results: RoutingResults): TopLevelSpec {
  const values = toChartPoints(results);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Accuracy vs cost on ${results.run.test_prompts} held-out prompts`,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values },
    encoding: accuracyCostAxes({ costTitle: 'Total cost (USD, log scale)', accuracyFormat: '.0%' }),
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
        transform: [{ filter: '!datum.labelBelow' }],
        mark: { type: 'text', align: 'left', dx: 8, dy: -7, fontSize: 11 },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
      {
        transform: [{ filter: 'datum.labelBelow' }],
        mark: { type: 'text', align: 'left', dx: 8, dy: 11, fontSize: 11 },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
}
