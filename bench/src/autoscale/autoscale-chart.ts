import type { TopLevelSpec } from 'vega-lite';
import type { AutoscalePolicy } from './autoscale-results.js';
import { AUTOSCALE_POLICIES } from './autoscale-results.js';
import type { WindowClock } from './measure-forecast-error.js';
import type { ScheduledRequest } from './plan-autoscale-run.js';
import type { PlanSample } from './poll-placement.js';
import type { ReplicaTimeline } from '../shared/replica-timeline.js';

/** One point of the chart: a series' value at a time, trace seconds after the window's start. */
export interface ChartPoint {
  readonly policy: AutoscalePolicy;
  readonly series: 'arrivals per second' | 'forecast per second' | 'replicas';
  readonly timeS: number;
  readonly value: number;
}

/** Wall-clock spacing of the demand and replica points. */
const STEP_MS = 500;

/**
 * The chart's points of one policy, from the lead-in's start to the window's end, summed over the
 * models: the schedule's arrivals per second and the manager's forecast (trace rates), and the
 * replicas the heartbeats showed.
 */
export function toChartPoints(
  policy: AutoscalePolicy,
  inputs: {
    readonly requests: readonly ScheduledRequest[];
    readonly samples: readonly PlanSample[];
    readonly timeline: ReplicaTimeline;
    readonly clock: WindowClock;
  },
): ChartPoint[] {
  const { clock } = inputs;
  const toTimeS = (unixMs: number) => ((unixMs - clock.startUnixMs) * clock.speedup) / 1_000;
  const firstUnixMs = clock.startUnixMs + Math.min(0, inputs.requests[0]?.atMs ?? 0) / clock.speedup;
  const points: ChartPoint[] = [];
  const arrivals = new Map<number, number>();
  for (const request of inputs.requests) {
    const bin = Math.floor(request.atMs / clock.speedup / STEP_MS);
    arrivals.set(bin, (arrivals.get(bin) ?? 0) + 1);
  }
  const perSecond = 1_000 / (STEP_MS * clock.speedup);
  for (let unixMs = firstUnixMs; unixMs < clock.endUnixMs; unixMs += STEP_MS) {
    const bin = Math.floor((unixMs - clock.startUnixMs) / STEP_MS);
    const replicas = [...inputs.timeline.replicasAt(unixMs).values()].reduce((sum, count) => sum + count, 0);
    const timeS = toTimeS(unixMs);
    points.push({
      policy,
      series: 'arrivals per second',
      timeS,
      value: (arrivals.get(bin) ?? 0) * perSecond,
    });
    points.push({ policy, series: 'replicas', timeS, value: replicas });
  }
  const forecasts = new Map<number, number>();
  for (const sample of inputs.samples) {
    if (sample.atMs < firstUnixMs || sample.atMs > clock.endUnixMs) continue;
    forecasts.set(sample.atMs, (forecasts.get(sample.atMs) ?? 0) + sample.forecastPerSecond / clock.speedup);
  }
  for (const [unixMs, value] of forecasts) {
    points.push({ policy, series: 'forecast per second', timeS: toTimeS(unixMs), value });
  }
  return points;
}

const SERIES = {
  domain: ['arrivals per second', 'forecast per second', 'replicas'],
  range: ['#4c78a8', '#f58518', '#54a24b'],
};

/**
 * Vega-Lite spec: one row per policy, arrivals and the manager's forecast (requests per second of
 * trace time) on the left axis, replicas as a step line on the right axis.
 */
export function autoscaleChartSpec(points: readonly ChartPoint[]): TopLevelSpec {
  const present = new Set(points.map((point) => point.policy));
  const time = {
    field: 'timeS',
    type: 'quantitative',
    title: 'Trace seconds after the window starts',
    // Not rounded out: a nice domain would add an empty stretch before the lead-in.
    scale: { nice: false },
  } as const;
  const series = { field: 'series', type: 'nominal', scale: SERIES, title: 'Series' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Demand, forecast and replicas over time (lead-in before 0)',
    data: { values: [...points] },
    facet: {
      row: {
        field: 'policy',
        type: 'nominal',
        sort: AUTOSCALE_POLICIES.filter((policy) => present.has(policy)),
        title: null,
        header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12, labelFontWeight: 'bold' },
      },
    },
    spec: {
      width: 560,
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.series !== 'replicas'" }],
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            x: time,
            y: { field: 'value', type: 'quantitative', title: 'requests per second' },
            color: series,
          },
        },
        {
          transform: [{ filter: "datum.series === 'replicas'" }],
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
          encoding: {
            x: time,
            y: { field: 'value', type: 'quantitative', title: 'replicas', axis: { tickMinStep: 1 } },
            color: series,
          },
        },
      ],
      resolve: { scale: { y: 'independent' } },
    },
    resolve: { scale: { y: 'independent' } },
  };
}
