import { describe, expect, it } from 'vitest';
import { desiredWorkerCount, placeReplicas } from './place-replicas.js';
import type { Placement, ReplicaWant, WorkerSlot } from './place-replicas.js';

const GB = 1_000_000_000;

function worker(
  workerId: string,
  memoryGb: number,
  models: [name: string, memoryGb: number, lastUsedMs?: number][] = [],
  draining = false,
): WorkerSlot {
  return {
    workerId,
    memoryCapacityBytes: memoryGb * GB,
    draining,
    models: models.map(([name, memory, lastUsedMs = 0]) => ({ name, memoryBytes: memory * GB, lastUsedMs })),
  };
}

function want(model: string, replicas: number, memoryGb: number, keepUpTo = replicas): ReplicaWant {
  return { model, replicas, keepUpTo, memoryBytes: memoryGb * GB };
}

function movesOf(placement: Placement): string[] {
  return placement.moves.map((move) => `${move.action} ${move.model} ${move.workerId} (${move.reason})`);
}

/** A seeded uniform generator (mulberry32), so every run checks the same random pools. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('placeReplicas', () => {
  it('moves nothing when the replicas wanted are in place', () => {
    const placement = placeReplicas(
      [
        worker('w1', 8, [['a', 2]]),
        worker('w2', 8, [
          ['a', 2],
          ['b', 3],
        ]),
      ],
      [want('a', 2, 2), want('b', 1, 3)],
    );
    expect(placement.moves).toEqual([]);
    expect(placement.unplaced).toEqual([]);
    expect(placement.assignments).toEqual(
      new Map([
        ['w1', ['a']],
        ['w2', ['a', 'b']],
      ]),
    );
  });

  it("spreads a model's replicas over distinct workers, each where the most memory is free", () => {
    const placement = placeReplicas(
      [worker('w1', 8, [['x', 6]]), worker('w2', 8), worker('w3', 8, [['y', 3]])],
      [want('x', 1, 6), want('y', 1, 3), want('a', 2, 1)],
    );
    expect(movesOf(placement)).toEqual(['load a w2 (replica-needed)', 'load a w3 (replica-needed)']);
  });

  it('keeps surplus replicas up to keepUpTo and unloads those beyond it, least recently used first', () => {
    const workers = [
      worker('w1', 8, [['a', 1, 300]]),
      worker('w2', 8, [['a', 1, 100]]),
      worker('w3', 8, [['a', 1, 200]]),
    ];
    expect(placeReplicas(workers, [want('a', 1, 1, 3)]).moves).toEqual([]);
    expect(movesOf(placeReplicas(workers, [want('a', 1, 1, 2)]))).toEqual(['unload a w2 (scale-down)']);
    expect(movesOf(placeReplicas(workers, [want('a', 1, 1)]))).toEqual([
      'unload a w2 (scale-down)',
      'unload a w3 (scale-down)',
    ]);
    // A keepUpTo below the replicas wanted keeps them all.
    expect(placeReplicas(workers, [want('a', 3, 1, 0)]).moves).toEqual([]);
  });

  it('places larger models first, so smaller ones fill the gaps', () => {
    const placement = placeReplicas(
      [worker('w1', 4), worker('w2', 2)],
      [want('a-small', 1, 2), want('z-large', 1, 4)],
    );
    expect(placement.assignments).toEqual(
      new Map([
        ['w1', ['z-large']],
        ['w2', ['a-small']],
      ]),
    );
    expect(placement.unplaced).toEqual([]);
  });

  it('evicts from the worker needing fewer evictions when their replicas were last used alike', () => {
    const workers = [
      worker('w1', 2, [
        ['x', 1, 100],
        ['y', 1, 100],
      ]),
      worker('w2', 2, [['z', 2, 100]]),
    ];
    const wants = [want('x', 0, 1, 1), want('y', 0, 1, 1), want('z', 0, 2, 1), want('new', 1, 2)];
    expect(movesOf(placeReplicas(workers, wants))).toEqual([
      'unload z w2 (memory)',
      'load new w2 (replica-needed)',
    ]);
  });

  it('evicts the least recently used surplus replicas when memory is needed, on the worker they free', () => {
    const workers = [
      worker('w1', 4, [
        ['old', 2, 100],
        ['fresh', 2, 900],
      ]),
      worker('w2', 4, [
        ['older', 2, 50],
        ['fresh', 2, 900],
      ]),
    ];
    const placement = placeReplicas(workers, [
      want('old', 0, 2, 1),
      want('older', 0, 2, 1),
      want('fresh', 2, 2),
      want('new', 1, 2),
    ]);
    expect(movesOf(placement)).toEqual(['unload older w2 (memory)', 'load new w2 (replica-needed)']);
  });

  it('never evicts a wanted replica for another model, and reports what did not fit', () => {
    const placement = placeReplicas(
      [worker('w1', 4, [['a', 3]]), worker('w2', 4, [['b', 3]])],
      [want('a', 1, 3), want('b', 1, 3), want('c', 1, 2)],
    );
    expect(placement.moves).toEqual([]);
    expect(placement.unplaced).toEqual([
      { model: 'c', replicas: 1, reason: `no worker has ${2 * GB} bytes free` },
    ]);
  });

  it("empties a draining worker, gives it nothing new and places its models' replicas elsewhere", () => {
    const placement = placeReplicas(
      [
        worker(
          'w1',
          8,
          [
            ['a', 2],
            ['b', 2],
          ],
          true,
        ),
        worker('w2', 8),
      ],
      [want('a', 1, 2), want('b', 1, 2), want('c', 1, 1)],
    );
    expect(movesOf(placement)).toEqual([
      'unload a w1 (draining)',
      'unload b w1 (draining)',
      'load a w2 (replica-needed)',
      'load b w2 (replica-needed)',
      'load c w2 (replica-needed)',
    ]);
    expect(placement.assignments.get('w1')).toEqual([]);
  });

  it('unloads models nobody wants, and sheds surplus first from a worker over its memory', () => {
    // w1 holds 5 GB of 4: unloading the unwanted model is enough, b's kept surplus replica stays.
    const placement = placeReplicas(
      [
        worker('w1', 4, [
          ['gone', 1],
          ['a', 2, 900],
          ['b', 2, 100],
        ]),
        worker('w2', 4, [['b', 2]]),
      ],
      [want('a', 1, 2), want('b', 1, 2, 2)],
    );
    expect(movesOf(placement)).toEqual(['unload gone w1 (scale-down)']);

    // a's footprint grew: b goes, a surplus replica, though used more lately than a.
    const grown = placeReplicas(
      [
        worker('w1', 4, [
          ['a', 3, 100],
          ['b', 2, 900],
        ]),
        worker('w2', 4, [['b', 2]]),
      ],
      [want('a', 1, 3), want('b', 1, 2, 2)],
    );
    expect(movesOf(grown)).toEqual(['unload b w1 (memory)']);

    // Least recently used first would unload x and y; x fits again once y is gone, so it stays.
    const refit = placeReplicas(
      [
        worker('w1', 4, [
          ['x', 1, 100],
          ['y', 3, 200],
          ['z', 2, 300],
        ]),
        worker('w2', 8, [
          ['x', 1],
          ['y', 3],
        ]),
      ],
      [want('x', 1, 1, 2), want('y', 1, 3, 2), want('z', 1, 2)],
    );
    expect(movesOf(refit)).toEqual(['unload y w1 (memory)']);
  });

  it('gives every model one replica before any model gets a second when memory is short', () => {
    const placement = placeReplicas(
      [worker('w1', 4), worker('w2', 4)],
      [want('a', 2, 3), want('b', 2, 3), want('c', 1, 1)],
    );
    expect(placement.assignments).toEqual(
      new Map([
        ['w1', ['a', 'c']],
        ['w2', ['b']],
      ]),
    );
    expect(placement.unplaced).toEqual([
      { model: 'a', replicas: 1, reason: `no worker has ${3 * GB} bytes free` },
      { model: 'b', replicas: 1, reason: `no worker has ${3 * GB} bytes free` },
    ]);
  });

  it('says why replicas found no worker: too large, too few workers for the spread, or none accepting', () => {
    expect(placeReplicas([worker('w1', 4)], [want('huge', 1, 5)]).unplaced).toEqual([
      {
        model: 'huge',
        replicas: 1,
        reason: `needs ${5 * GB} bytes, more than any worker's memory (${4 * GB})`,
      },
    ]);
    expect(placeReplicas([worker('w1', 4), worker('w2', 4)], [want('a', 3, 1)]).unplaced).toEqual([
      { model: 'a', replicas: 1, reason: 'replicas go on distinct workers and no other worker can hold it' },
    ]);
    expect(placeReplicas([worker('w1', 4, [], true)], [want('a', 1, 1)]).unplaced).toEqual([
      { model: 'a', replicas: 1, reason: 'no worker accepts new models' },
    ]);
  });

  it('places the example of docs/decisions.md as described there', () => {
    const workers = [
      worker('w1', 8, [
        ['a', 2, 1_000],
        ['b', 3, 500],
      ]),
      worker('w2', 8, [['a', 2, 900]]),
      worker('w3', 8, [['c', 4, 800]], true),
    ];
    const wants = [want('a', 1, 2, 2), want('b', 0, 3, 1), want('c', 1, 4), want('d', 2, 3)];
    const placement = placeReplicas(workers, wants);
    expect(movesOf(placement)).toEqual([
      'unload c w3 (draining)',
      'unload a w2 (memory)',
      'load c w2 (replica-needed)',
      'load d w1 (replica-needed)',
      'load d w2 (replica-needed)',
    ]);
    expect(placement.assignments).toEqual(
      new Map([
        ['w1', ['a', 'b', 'd']],
        ['w2', ['c', 'd']],
        ['w3', []],
      ]),
    );
    expect(desiredWorkerCount(wants, 8 * GB, { min: 1, max: 4 })).toBe(2);
  });

  it("never exceeds a worker's memory, doubles a replica on a worker or moves one twice, whatever the pool and the wants", () => {
    const random = seededRandom(11);
    const pick = (count: number): number => Math.floor(random() * count);
    for (let round = 0; round < 500; round += 1) {
      const models = Array.from({ length: 1 + pick(6) }, (_, index) => `m${index}`);
      const wants = models.map((model) => {
        const replicas = pick(5);
        return want(model, replicas, 0.5 + pick(8) / 2, replicas + pick(3));
      });
      const workers = Array.from({ length: 1 + pick(5) }, (_, index) =>
        worker(
          `w${index}`,
          2 + pick(10),
          models.filter(() => random() < 0.4).map((model) => [model, 0.5 + pick(8) / 2, pick(1_000)]),
          random() < 0.15,
        ),
      );
      const placement = placeReplicas(workers, wants);

      const moved = placement.moves.map((move) => `${move.workerId} ${move.model}`);
      expect(new Set(moved).size).toBe(moved.length);
      for (const slot of workers) {
        const assigned = placement.assignments.get(slot.workerId)!;
        expect(new Set(assigned).size).toBe(assigned.length);
        if (slot.draining) expect(assigned).toEqual([]);
        // A model's footprint: the largest known, the want's or any worker's measure.
        const usedBytes = assigned.reduce((sum, model) => {
          const measured = workers.flatMap((other) => other.models).filter((loaded) => loaded.name === model);
          const wanted = wants.find((wanted) => wanted.model === model)!.memoryBytes;
          return sum + Math.max(wanted, ...measured.map((loaded) => loaded.memoryBytes));
        }, 0);
        expect(usedBytes).toBeLessThanOrEqual(slot.memoryCapacityBytes);
      }
      for (const wanted of wants) {
        const held = [...placement.assignments.values()].filter((assigned) =>
          assigned.includes(wanted.model),
        ).length;
        const short = placement.unplaced.find((unplaced) => unplaced.model === wanted.model)?.replicas ?? 0;
        expect(held).toBeLessThanOrEqual(wanted.keepUpTo);
        expect(Math.min(held, wanted.replicas) + short).toBe(wanted.replicas);
      }
    }
  });
});

describe('desiredWorkerCount', () => {
  it('counts the workers the replicas need by memory and by spread, within the bounds', () => {
    const bounds = { min: 1, max: 10 };
    // 2 × 3 GB and 2 × 2 GB in 8 GB workers: first fit decreasing needs 2; two of 5 GB need 2.
    expect(desiredWorkerCount([want('a', 2, 3), want('b', 2, 2)], 8 * GB, bounds)).toBe(2);
    expect(desiredWorkerCount([want('a', 1, 5), want('b', 1, 5)], 8 * GB, bounds)).toBe(2);
    // Four replicas of a small model still need four workers.
    expect(desiredWorkerCount([want('a', 4, 1)], 8 * GB, bounds)).toBe(4);
    expect(desiredWorkerCount([], 8 * GB, bounds)).toBe(1);
    expect(desiredWorkerCount([want('a', 40, 1)], 8 * GB, bounds)).toBe(10);
    // A model larger than a worker cannot be helped by more workers.
    expect(desiredWorkerCount([want('huge', 2, 9), want('a', 1, 1)], 8 * GB, bounds)).toBe(1);
    expect(() => desiredWorkerCount([], 0, bounds)).toThrow(RangeError);
  });
});
