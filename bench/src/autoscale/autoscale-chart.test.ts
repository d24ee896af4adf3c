import { describe, expect, it } from 'vitest';
import { renderChartPng } from '../shared/render-chart.js';
import { autoscaleChartSpec, toChartPoints } from './autoscale-chart.js';
import type { PlanSample } from './poll-placement.js';
import { ReplicaTimeline } from '../shared/replica-timeline.js';

function plan(atMs: number, model: string, forecastPerSecond: number): PlanSample {
  return {
    atMs,
    model,
    demandPerSecond: 0,
    forecastPerSecond,
    forecaster: 'holt',
    forecastErrorPerSecond: 0,
    desiredReplicas: 1,
    servingReplicas: 1,
    loadMs: 0,
    reason: 'forecast',
  };
}

describe('toChartPoints', () => {
  it('draws arrivals and the summed forecast in trace rates and the replicas the heartbeats held', () => {
    // Speedup 2, window at unix 10 s for 2 wall seconds; one wall second of lead-in.
    const clock = { startUnixMs: 10_000, endUnixMs: 12_000, speedup: 2 };
    const requests = [
      { atMs: -2_000, model: 'a', measured: false },
      ...[0, 100, 200, 300].map((atMs) => ({ atMs, model: 'a', measured: true })),
    ];
    const timeline = new ReplicaTimeline();
    timeline.observe({ workerId: 'w', atMs: 9_000, intervalMs: 1_000, loaded: [], loading: ['a'] });
    timeline.observe({
      workerId: 'w',
      atMs: 10_000,
      intervalMs: 1_000,
      loaded: [
        { model: 'a', loadMs: 1 },
        { model: 'b', loadMs: 1 },
      ],
      loading: [],
    });
    timeline.observe({
      workerId: 'w',
      atMs: 11_000,
      intervalMs: 1_000,
      loaded: [{ model: 'b', loadMs: 1 }],
      loading: [],
    });
    const samples = [plan(10_000, 'a', 8), plan(10_000, 'b', 4), plan(20_000, 'a', 1)];
    const points = toChartPoints('predictive', { requests, samples, timeline, clock });
    const series = (name: string) =>
      points.filter((point) => point.series === name).map(({ timeS, value }) => [timeS, value]);
    // Points every half wall second = 1 trace second; 4 arrivals in the first → 4 per trace second.
    expect(series('arrivals per second')).toEqual([
      [-2, 1],
      [-1, 0],
      [0, 4],
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect(series('replicas')).toEqual([
      [-2, 1],
      [-1, 1],
      [0, 2],
      [1, 2],
      [2, 1],
      [3, 1],
    ]);
    // (8 + 4) wall-clock requests per second at 2× are 6 per trace second; the sample after the window is left out.
    expect(series('forecast per second')).toEqual([[0, 6]]);
  });

  it('renders as a PNG', async () => {
    const clock = { startUnixMs: 0, endUnixMs: 1_000, speedup: 1 };
    const points = toChartPoints('reactive', {
      requests: [{ atMs: 0, model: 'a', measured: true }],
      samples: [plan(0, 'a', 1)],
      timeline: new ReplicaTimeline(),
      clock,
    });
    const png = await renderChartPng(autoscaleChartSpec(points));
    expect(Buffer.from(png).subarray(1, 4).toString()).toBe('PNG');
  });
});
