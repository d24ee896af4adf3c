import type { TopLevelSpec } from 'vega-lite';
import { POLICY_NAMES } from './replay-results.js';
import type { LoadSample, PolicyName, ReplayResults, RequestOutcome } from './replay-results.js';
import { accuracyCostAxes } from '../shared/accuracy-cost-axes.js';

/**
 * Most points drawn per policy on the latency CDF. Thousands of outcomes per policy would make the
 * embedded data (and rendering) large for no visible gain: 200 quantiles trace the curve smoothly.
 */
const MAX_CDF_POINTS_PER_POLICY = 200;

/**
 * One colour per policy, indexed like POLICY_NAMES (Tableau 10), so a policy keeps its colour on
 * every chart whichever policies a run included.
 */
const POLICY_COLOURS: Readonly<Record<PolicyName, string>> = {
  static: '#4c78a8',
  'always-largest': '#f58518',
  cheapest: '#54a24b',
  'round-robin': '#b279a2',
  random: '#9d755d',
  'least-loaded': '#72b7b2',
  switchboard: '#e45756',
  'switchboard-rules': '#ff9da6',
  oracle: '#79706e',
};

const CHART_WIDTH = 560;
const CHART_HEIGHT = 320;
const TIMELINE_ROW_HEIGHT = 130;

/** Colour scale over the given policies, in POLICY_NAMES order, with each policy's fixed colour. */
function policyColourScale(present: ReadonlySet<PolicyName>): { domain: PolicyName[]; range: string[] } {
  const domain = POLICY_NAMES.filter((policy) => present.has(policy));
  return { domain, range: domain.map((policy) => POLICY_COLOURS[policy]) };
}

/**
 * Points of the empirical CDF of sorted latencies: (latency, share of requests at or below it).
 * Beyond MAX_CDF_POINTS_PER_POLICY latencies, evenly spaced ranks are kept, always including the
 * fastest and the slowest so the curve spans the whole range.
 */
function toCdfPoints(sortedLatenciesMs: readonly number[]): { latencyMs: number; share: number }[] {
  const count = sortedLatenciesMs.length;
  const pointCount = Math.min(count, MAX_CDF_POINTS_PER_POLICY);
  const points: { latencyMs: number; share: number }[] = [];
  for (let point = 0; point < pointCount; point += 1) {
    const rank = pointCount === 1 ? count - 1 : Math.round((point * (count - 1)) / (pointCount - 1));
    points.push({ latencyMs: sortedLatenciesMs[rank] ?? 0, share: (rank + 1) / count });
  }
  return points;
}

/**
 * Vega-Lite spec of the empirical CDF of latency (ms, log x scale) of the requests answered OK,
 * one line per policy. At most 200 points per policy are embedded.
 */
export function latencyCdfSpec(outcomes: readonly RequestOutcome[]): TopLevelSpec {
  const latenciesByPolicy = new Map<PolicyName, number[]>();
  for (const outcome of outcomes) {
    // A log scale cannot place 0; an answer in under a microsecond is not a real measurement anyway.
    if (outcome.code !== 0 || outcome.latencyMs <= 0) continue;
    const latencies = latenciesByPolicy.get(outcome.policy) ?? [];
    latencies.push(outcome.latencyMs);
    latenciesByPolicy.set(outcome.policy, latencies);
  }
  const values = POLICY_NAMES.flatMap((policy) => {
    const latencies = latenciesByPolicy.get(policy);
    if (latencies === undefined) return [];
    return toCdfPoints(latencies.sort((left, right) => left - right)).map((point) => ({ policy, ...point }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Latency CDF (answered requests)',
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: {
      x: {
        field: 'latencyMs',
        type: 'quantitative',
        // Not rounded out to powers of ten, which could leave most of the width empty.
        scale: { type: 'log', nice: false },
        title: 'Latency (ms, log scale)',
      },
      y: {
        field: 'share',
        type: 'quantitative',
        scale: { domain: [0, 1] },
        axis: { format: '%' },
        title: 'Answered requests at or below the latency',
      },
      color: {
        field: 'policy',
        type: 'nominal',
        scale: policyColourScale(new Set(latenciesByPolicy.keys())),
        title: 'Policy',
      },
    },
  };
}

/**
 * Vega-Lite spec of cost per request (USD, log x scale) against accuracy, one labelled point per
 * policy. The oracle is drawn as a diamond: it is a bound on what routing could reach, not a policy.
 * A policy that answered nothing has a cost of 0, which a log scale cannot place, so it is left out.
 */
export function costAccuracySpec(results: ReplayResults): TopLevelSpec {
  const values = POLICY_NAMES.flatMap((policy) => {
    const result = results.policies[policy];
    if (result === undefined || result.cost_per_request_usd <= 0) return [];
    const kind = policy === 'oracle' ? 'oracle (bound)' : 'policy';
    return [{ policy, kind, costUsd: result.cost_per_request_usd, accuracy: result.accuracy }];
  });
  const colour = policyColourScale(new Set(values.map((value) => value.policy)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Cost per request vs accuracy',
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values },
    encoding: accuracyCostAxes({ costTitle: 'Cost per request (USD, log scale)', accuracyFormat: '.1~%' }),
    layer: [
      {
        mark: { type: 'point', filled: true, size: 140, opacity: 1 },
        encoding: {
          color: { field: 'policy', type: 'nominal', scale: colour, legend: null },
          shape: {
            field: 'kind',
            type: 'nominal',
            scale: { domain: ['policy', 'oracle (bound)'], range: ['circle', 'diamond'] },
            title: 'Point',
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 9, dy: -7, fontSize: 12 },
        encoding: { text: { field: 'policy', type: 'nominal' } },
      },
    ],
  };
}

/** The timeline's series, as the legend names them, with their colours. */
const TIMELINE_SERIES = {
  domain: ['arrivals per second', 'queue depth (jobs)', 'replicas'],
  range: ['#4c78a8', '#f58518', '#54a24b'],
};

/**
 * Vega-Lite spec of each policy's run over time (s after its first arrival), one row per policy:
 * arrivals per second and queue depth on the left axis, replicas as a step line on the right axis
 * (a different unit and a much smaller range, so it gets its own scale).
 */
export function timelineSpec(samples: readonly LoadSample[]): TopLevelSpec {
  const values = samples.flatMap((sample) => {
    const at = { policy: sample.policy, timeS: sample.atMs / 1000 };
    return [
      { ...at, series: 'arrivals per second', value: sample.arrivalsPerSecond },
      { ...at, series: 'queue depth (jobs)', value: sample.queueDepth },
      { ...at, series: 'replicas', value: sample.replicas },
    ];
  });
  const present = new Set(samples.map((sample) => sample.policy));
  const time = { field: 'timeS', type: 'quantitative', title: 'Time after the first arrival (s)' } as const;
  const series = { field: 'series', type: 'nominal', scale: TIMELINE_SERIES, title: 'Series' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Arrivals, queue depth and replicas over time',
    data: { values },
    facet: {
      row: {
        field: 'policy',
        type: 'nominal',
        sort: POLICY_NAMES.filter((policy) => present.has(policy)),
        title: null,
        header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12, labelFontWeight: 'bold' },
      },
    },
    spec: {
      width: CHART_WIDTH,
      height: TIMELINE_ROW_HEIGHT,
      layer: [
        {
          transform: [{ filter: "datum.series !== 'replicas'" }],
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            x: time,
            // Two short lines: a rotated title longer than the row is tall would push the rows apart.
            y: {
              field: 'value',
              type: 'quantitative',
              title: ['arrivals per second,', 'queue depth (jobs)'],
            },
            color: series,
          },
        },
        {
          transform: [{ filter: "datum.series === 'replicas'" }],
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
          encoding: {
            x: time,
            y: { field: 'value', type: 'quantitative', title: 'Replicas', axis: { tickMinStep: 1 } },
            color: series,
          },
        },
      ],
      resolve: { scale: { y: 'independent' } },
    },
    resolve: { scale: { y: 'independent' } },
  };
}
