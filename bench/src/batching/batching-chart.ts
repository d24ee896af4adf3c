import type { TopLevelSpec } from 'vega-lite';
import type { MeasuredPoint } from './batching-results.js';
import type { Scenario, Strategy } from './batching-strategies.js';

/** What one panel of the chart shows: a scenario's probes, its SLO and where failed probes are drawn. */
export interface ChartPanel {
  readonly scenario: Scenario;
  readonly title: string;
  readonly points: readonly MeasuredPoint[];
  readonly sloMs: number;
  /** The calls' deadline, ms: probes with more than 1% failures are drawn here, as crosses. */
  readonly ceilingMs: number;
  /** Axis unit note, e.g. `simulated` for the step-wise LLM. */
  readonly clock: string;
}

/** One colour per strategy, so a strategy looks the same in both panels and every run. */
const STRATEGY_COLOURS: Readonly<Record<Strategy, string>> = {
  'batch-1': '#4c78a8',
  static: '#f58518',
  dynamic: '#54a24b',
  continuous: '#e45756',
};

const PANEL_WIDTH = 380;
const PANEL_HEIGHT = 300;

/** A panel's rows: every probe with the P99 to draw (failed probes at the ceiling). */
function toRows(panel: ChartPanel) {
  return [...panel.points]
    .sort((left, right) => left.offered_rps - right.offered_rps)
    .map((point, order) => ({
      strategy: point.strategy,
      order,
      throughput: point.throughput_rps,
      p99: point.p99_ms === null ? panel.ceilingMs : Math.min(point.p99_ms, panel.ceilingMs),
      outcome: point.p99_ms === null ? '>1% failed' : point.within_slo ? 'within SLO' : 'over SLO',
    }));
}

function panelSpec(panel: ChartPanel, strategies: readonly Strategy[]) {
  const colour = {
    field: 'strategy',
    type: 'nominal',
    title: 'strategy',
    scale: { domain: [...strategies], range: strategies.map((strategy) => STRATEGY_COLOURS[strategy]) },
  } as const;
  const x = {
    field: 'throughput',
    type: 'quantitative',
    title: `achieved throughput (req/s, ${panel.clock})`,
  } as const;
  const y = {
    field: 'p99',
    type: 'quantitative',
    title: `P99 latency (ms, ${panel.clock}, log)`,
    scale: { type: 'log' },
  } as const;
  return {
    title: `${panel.title}: SLO P99 ≤ ${panel.sloMs} ms`,
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    layer: [
      {
        data: { values: toRows(panel) },
        mark: { type: 'line', strokeWidth: 1.5, opacity: 0.7 },
        encoding: { x, y, color: colour, order: { field: 'order', type: 'quantitative' } },
      },
      {
        data: { values: toRows(panel) },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x,
          y,
          color: colour,
          shape: {
            field: 'outcome',
            type: 'nominal',
            title: 'probe',
            scale: {
              domain: ['within SLO', 'over SLO', '>1% failed'],
              range: ['circle', 'triangle-up', 'cross'],
            },
          },
        },
      },
      {
        data: { values: [{ slo: panel.sloMs, label: `SLO ${panel.sloMs} ms` }] },
        layer: [
          {
            mark: { type: 'rule', strokeDash: [6, 4], color: '#555' },
            encoding: { y: { field: 'slo', type: 'quantitative' } },
          },
          {
            mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#555' },
            encoding: {
              y: { field: 'slo', type: 'quantitative' },
              x: { value: 0 },
              text: { field: 'label' },
            },
          },
        ],
      },
    ],
  };
}

/**
 * Vega-Lite spec of the throughput-versus-P99 chart: one panel per scenario, every probe of every
 * strategy (x the throughput it achieved, y its P99 on a log scale), joined in order of offered
 * rate, with the SLO as a dashed line.
 */
export function batchingChartSpec(panels: readonly ChartPanel[]): TopLevelSpec {
  const strategies = (Object.keys(STRATEGY_COLOURS) as Strategy[]).filter((strategy) =>
    panels.some((panel) => panel.points.some((point) => point.strategy === strategy)),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Throughput versus P99 latency per batching strategy (open-loop arrivals)',
    hconcat: panels.map((panel) => panelSpec(panel, strategies)),
    resolve: { scale: { color: 'shared', shape: 'shared' } },
  } as TopLevelSpec;
}
