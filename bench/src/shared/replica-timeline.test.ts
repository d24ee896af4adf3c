import { describe, expect, it } from 'vitest';
import { ReplicaTimeline } from './replica-timeline.js';
import type { ReplicaBeat } from './replica-timeline.js';

function beat(workerId: string, atMs: number, loaded: string[], loading: string[] = []): ReplicaBeat {
  return {
    workerId,
    atMs,
    intervalMs: 1_000,
    loaded: loaded.map((model) => ({ model, loadMs: 2_000 })),
    loading,
  };
}

describe('ReplicaTimeline', () => {
  it('integrates replicas between beats, loading ones included, over the asked interval only', () => {
    const timeline = new ReplicaTimeline();
    timeline.observe(beat('w1', 0, ['a']));
    timeline.observe(beat('w1', 1_000, ['a'], ['b']));
    timeline.observe(beat('w1', 2_000, ['a', 'b']));
    timeline.observe(beat('w1', 3_000, ['b']));
    timeline.observe(beat('w1', 4_000, ['b']));
    // a: 0–3 s; b: 1–4 s and on until the window's end at 4.5 s.
    expect(timeline.replicaSeconds(0, 4_500, 'a')).toBeCloseTo(3);
    expect(timeline.replicaSeconds(0, 4_500, 'b')).toBeCloseTo(3.5);
    expect(timeline.replicaSeconds(0, 4_500)).toBeCloseTo(6.5);
    expect(timeline.replicaSeconds(500, 1_500)).toBeCloseTo(1.5);
  });

  it('adds up workers and stops counting a worker three intervals after its last beat', () => {
    const timeline = new ReplicaTimeline();
    timeline.observe(beat('w1', 0, ['a']));
    timeline.observe(beat('w2', 500, ['a', 'b']));
    timeline.observe(beat('w2', 1_500, ['a', 'b']));
    // w1 never beats again: gone at 3 s. w2 beats on.
    timeline.observe(beat('w2', 10_000, ['a']));
    expect(timeline.replicaSeconds(0, 10_000, 'a')).toBeCloseTo(3 + 4);
    expect(timeline.replicasAt(1_000)).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    expect(timeline.replicasAt(5_000)).toEqual(new Map());
  });

  it('counts a cold start when a model appears on a worker, with its measured load time', () => {
    const timeline = new ReplicaTimeline();
    timeline.observe(beat('w1', 0, ['a']));
    timeline.observe(beat('w1', 1_000, ['a'], ['b']));
    timeline.observe(beat('w1', 2_000, ['a', 'b']));
    timeline.observe(beat('w1', 3_000, ['a']));
    timeline.observe(beat('w1', 4_000, ['a', 'b']));
    expect(timeline.coldStarts(500, 5_000)).toEqual([
      { model: 'b', workerId: 'w1', atMs: 1_000, loadMs: 2_000 },
      { model: 'b', workerId: 'w1', atMs: 4_000, loadMs: 2_000 },
    ]);
    // The replica held from the start is no cold start within the window.
    expect(timeline.coldStarts(0, 500)).toHaveLength(1);
  });

  it('ignores a beat older than the worker latest', () => {
    const timeline = new ReplicaTimeline();
    timeline.observe(beat('w1', 1_000, ['a']));
    timeline.observe(beat('w1', 500, ['a', 'b']));
    expect(timeline.replicaSeconds(0, 2_000)).toBeCloseTo(1);
  });
});
