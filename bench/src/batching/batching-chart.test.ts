import { describe, expect, it } from 'vitest';
import { renderChartPng } from '../shared/render-chart.js';
import { batchingChartSpec } from './batching-chart.js';
import type { ChartPanel } from './batching-chart.js';
import type { MeasuredPoint } from './batching-results.js';

function point(strategy: MeasuredPoint['strategy'], throughput: number, p99Ms: number | null): MeasuredPoint {
  return {
    strategy,
    offered_rps: throughput,
    throughput_rps: throughput,
    p99_ms: p99Ms,
    p50_ms: p99Ms === null ? null : p99Ms / 2,
    requests: 200,
    failed: p99Ms === null ? 10 : 0,
    within_slo: p99Ms !== null && p99Ms <= 100,
    mean_batch_size: 1,
    mean_execute_ms: 10,
    other_load_cores: 0.1,
  };
}

const ONNX_PANEL: ChartPanel = {
  scenario: 'onnx',
  title: 'ONNX MLP',
  points: [
    point('batch-1', 30, 80),
    point('batch-1', 60, 300),
    point('dynamic', 200, 90),
    point('dynamic', 400, null),
  ],
  sloMs: 100,
  ceilingMs: 400,
  clock: 'wall clock',
};

/** The rows of the spec's first data layer, as Vega-Lite embeds them. */
function rowsOf(spec: ReturnType<typeof batchingChartSpec>): Record<string, unknown>[] {
  const panel = (spec as { hconcat: { layer: { data: { values: Record<string, unknown>[] } }[] }[] })
    .hconcat[0];
  return panel?.layer[0]?.data.values ?? [];
}

describe('batchingChartSpec', () => {
  it('draws every probe, a failed one at the ceiling and marked as such', () => {
    const rows = rowsOf(batchingChartSpec([ONNX_PANEL]));
    expect(rows).toHaveLength(4);
    expect(rows.find((row) => row['throughput'] === 400)).toMatchObject({ p99: 400, outcome: '>1% failed' });
    expect(rows.find((row) => row['throughput'] === 60)).toMatchObject({ p99: 300, outcome: 'over SLO' });
    expect(rows.find((row) => row['throughput'] === 30)).toMatchObject({ p99: 80, outcome: 'within SLO' });
  });

  it('renders one panel per scenario as a PNG', async () => {
    const stepwise: ChartPanel = {
      ...ONNX_PANEL,
      scenario: 'stepwise',
      title: 'Step-wise LLM',
      points: [point('dynamic', 1, 20_000), point('continuous', 2, 25_000)],
      sloMs: 30_000,
      ceilingMs: 60_000,
      clock: 'simulated',
    };
    const png = await renderChartPng(batchingChartSpec([ONNX_PANEL, stepwise]));
    const onePanel = await renderChartPng(batchingChartSpec([ONNX_PANEL]));
    const widthOf = (image: Uint8Array) => new DataView(image.buffer, image.byteOffset).getUint32(16);
    expect(widthOf(png)).toBeGreaterThan(widthOf(onePanel) + 500);
  });
});
