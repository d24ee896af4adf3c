import { logger, Warn } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { createSampleLoad, createSampleOutcomes, SAMPLE_RESULTS } from './__fixtures__/sample-replay.js';
import { costAccuracySpec, latencyCdfSpec, timelineSpec } from './chart-specs.js';

const POLICIES = ['static', 'least-loaded', 'switchboard'] as const;

/** Compiles a spec, failing on the warnings vega-lite gives for fields, channels or marks it drops. */
function compileWithoutWarnings(spec: TopLevelSpec): void {
  const warnings: string[] = [];
  compile(spec, { logger: logger(Warn, 'warn', (_method, _level, input) => warnings.push(input.join(' '))) });
  expect(warnings).toEqual([]);
}

/** The distinct values of a field across the spec's inline data. */
function distinctValues(spec: TopLevelSpec, field: string): unknown[] {
  const data = (spec as { data?: { values?: readonly Record<string, unknown>[] } }).data;
  return [...new Set((data?.values ?? []).map((value) => value[field]))];
}

describe('latencyCdfSpec', () => {
  const outcomes = createSampleOutcomes(POLICIES, 500);

  it('compiles as Vega-Lite with one line per policy in the outcomes', () => {
    const spec = latencyCdfSpec(outcomes);
    compileWithoutWarnings(spec);
    expect(distinctValues(spec, 'policy')).toEqual([...POLICIES]);
  });

  it('keeps at most 200 points per policy, ending at the slowest answered request', () => {
    const values = (
      latencyCdfSpec(outcomes) as { data: { values: { policy: string; latencyMs: number; share: number }[] } }
    ).data.values;
    const switchboard = values.filter((value) => value.policy === 'switchboard');
    const slowest = Math.max(
      ...outcomes
        .filter((outcome) => outcome.policy === 'switchboard' && outcome.code === 0)
        .map((outcome) => outcome.latencyMs),
    );
    expect(switchboard).toHaveLength(200);
    expect(switchboard.at(-1)).toEqual({ policy: 'switchboard', latencyMs: slowest, share: 1 });
  });

  it('leaves out requests that were not answered OK', () => {
    const failed = outcomes.filter((outcome) => outcome.code !== 0);
    expect(failed.length).toBeGreaterThan(0);
    const values = (latencyCdfSpec(failed) as { data: { values: unknown[] } }).data.values;
    expect(values).toEqual([]);
  });
});

describe('costAccuracySpec', () => {
  it('compiles as Vega-Lite with one point per policy and the oracle drawn as a bound', () => {
    const spec = costAccuracySpec(SAMPLE_RESULTS);
    compileWithoutWarnings(spec);
    expect(distinctValues(spec, 'policy')).toEqual(['static', 'switchboard', 'oracle']);
    const values = (spec as { data: { values: { policy: string; kind: string }[] } }).data.values;
    expect(values.filter((value) => value.kind !== 'policy').map((value) => value.policy)).toEqual([
      'oracle',
    ]);
  });
});

describe('timelineSpec', () => {
  it('compiles as Vega-Lite with one row per policy in the samples', () => {
    const spec = timelineSpec(createSampleLoad(POLICIES, 60));
    compileWithoutWarnings(spec);
    expect(distinctValues(spec, 'policy')).toEqual([...POLICIES]);
    expect(distinctValues(spec, 'series')).toEqual(['arrivals per second', 'queue depth (jobs)', 'replicas']);
  });

  it('puts samples on a time axis in seconds after the first arrival', () => {
    const values = (
      timelineSpec(createSampleLoad(['static'], 3)) as { data: { values: { timeS: number }[] } }
    ).data.values;
    expect([...new Set(values.map((value) => value.timeS))]).toEqual([0, 1, 2]);
  });
});
