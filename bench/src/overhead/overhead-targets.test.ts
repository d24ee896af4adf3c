import { describe, expect, it } from 'vitest';
import { comparePaths } from './format-results.js';
import type { PathMeasurement } from './measure-paths.js';
import { checkTargets, formatTargets } from './overhead-targets.js';

function measurement(key: string, concurrency: number, figures: Partial<PathMeasurement>): PathMeasurement {
  return {
    key,
    label: key,
    concurrency,
    p50Ms: 1,
    p99Ms: 2,
    requestsPerSecond: 1000,
    completed: 1000,
    failed: 0,
    firstError: undefined,
    cpu: [],
    syscalls: [],
    ...figures,
  };
}

const within = [
  measurement('a', 1, { p50Ms: 0.4, p99Ms: 1.0 }),
  measurement('c', 1, { p50Ms: 0.9, p99Ms: 3.0 }),
  measurement('a', 64, { requestsPerSecond: 6000 }),
  measurement('c', 64, { requestsPerSecond: 3000 }),
];

describe('checkTargets', () => {
  it('meets all four targets at their limits: +0.5 ms p50, +2 ms p99, half of (a) and 3,000 req/s', () => {
    expect(checkTargets(within).map((target) => target.met)).toEqual([true, true, true, true]);
  });

  it('misses each target just past its limit', () => {
    const past = [
      measurement('a', 1, { p50Ms: 0.4, p99Ms: 1.0 }),
      measurement('c', 1, { p50Ms: 0.901, p99Ms: 3.001 }),
      measurement('a', 64, { requestsPerSecond: 5000 }),
      measurement('c', 64, { requestsPerSecond: 2499 }),
    ];
    expect(checkTargets(past).map((target) => target.met)).toEqual([false, false, false, false]);
  });

  it('misses 3,000 req/s alone when (a) is slow enough for the ratio to pass', () => {
    const slow = [
      measurement('a', 64, { requestsPerSecond: 4000 }),
      measurement('c', 64, { requestsPerSecond: 2999 }),
    ];
    expect(
      checkTargets(slow)
        .slice(2)
        .map((target) => [target.observed, target.met]),
    ).toEqual([
      ['0.75×', true],
      ['2999/s', false],
    ]);
  });

  it('counts a path with failed requests as missing every target it takes part in', () => {
    const failing = within.map((each) => (each.key === 'c' ? { ...each, failed: 1 } : each));
    expect(checkTargets(failing).every((target) => target.met === false)).toBe(true);
  });

  it('skips the targets whose paths were not measured, and says so', () => {
    const outcomes = checkTargets(within.filter((each) => each.concurrency === 1));
    expect(outcomes.map((target) => target.met)).toEqual([true, true, undefined, undefined]);
    expect(formatTargets(outcomes)).toContain('skipped');
    expect(formatTargets(outcomes)).toMatch(/all 2 evaluated targets met$/);
  });
});

describe('comparePaths', () => {
  it('compares (c) and (d) with (a), (d) with (c) and (c) with (b), for the paths measured', () => {
    const paths = [
      measurement('a', 64, { p50Ms: 10, p99Ms: 40, requestsPerSecond: 4000 }),
      measurement('c', 64, { p50Ms: 30, p99Ms: 80, requestsPerSecond: 2000 }),
      measurement('d', 64, { p50Ms: 25, p99Ms: 90, requestsPerSecond: 2200 }),
    ];
    const comparisons = comparePaths(paths);
    expect(comparisons.map(({ path, against }) => `${path}/${against}`)).toEqual(['c/a', 'd/a', 'd/c']);
    expect(comparisons[1]).toEqual({
      concurrency: 64,
      path: 'd',
      against: 'a',
      addedP50Ms: 15,
      addedP99Ms: 50,
      throughputRatio: 0.55,
    });
  });
});
