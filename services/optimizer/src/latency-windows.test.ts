import { describe, expect, it } from 'vitest';
import { LatencyWindows } from './latency-windows.js';
import type { LatencyObservation } from './latency-windows.js';

function observation(requestKey: string, answeredAtMs: number): LatencyObservation {
  return { requestKey, latencyUs: 100, budgetUs: 1_000, sloMissed: false, answeredAtMs };
}

function keysOf(observations: readonly LatencyObservation[]): string[] {
  return observations.map((kept) => kept.requestKey).sort();
}

describe('LatencyWindows', () => {
  it('keeps only the newest observations of each model', () => {
    const windows = new LatencyWindows(3);
    for (const [index, key] of ['a', 'b', 'c', 'd', 'e'].entries()) windows.add('m', observation(key, index));
    windows.add('other', observation('x', 0));

    expect(keysOf(windows.since('m', 0))).toEqual(['c', 'd', 'e']);
    expect(keysOf(windows.since('other', 0))).toEqual(['x']);
  });

  it('counts a request delivered twice once, and again once it has left the window', () => {
    const windows = new LatencyWindows(2);
    windows.add('m', observation('a', 1));
    windows.add('m', observation('a', 1));
    expect(keysOf(windows.since('m', 0))).toEqual(['a']);

    windows.add('m', observation('b', 2));
    windows.add('m', observation('c', 3));
    windows.add('m', observation('a', 1));
    expect(keysOf(windows.since('m', 0))).toEqual(['a', 'c']);
  });

  it('gives only the requests answered since a time, and forgets a model on delete', () => {
    const windows = new LatencyWindows(10);
    windows.add('m', observation('old', 999));
    windows.add('m', observation('new', 1_000));

    expect(keysOf(windows.since('m', 1_000))).toEqual(['new']);
    windows.delete('m');
    expect(windows.models()).toEqual([]);
    expect(windows.since('m', 0)).toEqual([]);
  });
});
