import { describe, expect, it } from 'vitest';
import { FairQueue } from './fair-queue.js';

/** Queues `count` items named `<prefix>-<n>` for one tenant at one level. */
function pushMany(queue: FairQueue<string>, prefix: string, count: number, level: number, weight = 1) {
  const tenant = prefix.split('@')[1] ?? '';
  for (let index = 1; index <= count; index += 1) queue.push(`${prefix}-${index}`, level, { tenant, weight });
}

describe('FairQueue', () => {
  it('gives priority levels 4, 2 and 1 of every 7 slots while all three have items, interleaved', () => {
    const queue = new FairQueue<string>(3);
    pushMany(queue, 'p3', 10, 2);
    pushMany(queue, 'p2', 10, 1);
    pushMany(queue, 'p1', 10, 0);
    expect(queue.take(7)).toEqual(['p1-1', 'p2-1', 'p1-2', 'p3-1', 'p1-3', 'p2-2', 'p1-4']);
    expect(queue.take(7)).toEqual(['p1-5', 'p2-3', 'p1-6', 'p3-2', 'p1-7', 'p2-4', 'p1-8']);
  });

  it('gives a level alone in the queue every slot, and shares again when another level fills', () => {
    const queue = new FairQueue<string>(3);
    pushMany(queue, 'p3', 6, 2);
    expect(queue.take(3)).toEqual(['p3-1', 'p3-2', 'p3-3']);
    pushMany(queue, 'p1', 6, 0);
    expect(queue.take(5)).toEqual(['p1-1', 'p1-2', 'p3-4', 'p1-3', 'p1-4']);
  });

  it('fills a level from its tenants in turns of their weight, whatever order they arrived in', () => {
    const queue = new FairQueue<string>(3);
    pushMany(queue, 'job@flood', 40, 1);
    pushMany(queue, 'job@light', 2, 1);
    pushMany(queue, 'job@heavy', 5, 1, 2);
    expect(queue.take(10)).toEqual([
      'job@flood-1',
      'job@light-1',
      'job@heavy-1',
      'job@heavy-2',
      'job@flood-2',
      'job@light-2',
      'job@heavy-3',
      'job@heavy-4',
      'job@flood-3',
      'job@heavy-5',
    ]);
    expect(queue.take(3)).toEqual(['job@flood-4', 'job@flood-5', 'job@flood-6']);
  });

  it('gives a tenant that arrives while another floods the next turn', () => {
    const queue = new FairQueue<string>(3);
    pushMany(queue, 'job@flood', 100, 1);
    expect(queue.take(4)).toEqual(['job@flood-1', 'job@flood-2', 'job@flood-3', 'job@flood-4']);
    pushMany(queue, 'job@light', 1, 1);
    expect(queue.take(2)).toEqual(['job@light-1', 'job@flood-5']);
  });

  it('stops a take at the first item that does not fit and gives that item first next time, in the same order an unbounded take would', () => {
    const bounded = new FairQueue<string>(3);
    const unbounded = new FairQueue<string>(3);
    for (const queue of [bounded, unbounded]) {
      pushMany(queue, 'p2', 6, 1);
      pushMany(queue, 'p1@a', 6, 0, 2);
      pushMany(queue, 'p1@b', 6, 0);
    }
    const batches: string[][] = [];
    for (const slots of [1, 2, 1, 3, 1]) {
      let taken = 0;
      batches.push(bounded.take(10, () => (taken += 1) <= slots));
    }

    expect(batches.map((batch) => batch.length)).toEqual([1, 2, 1, 3, 1]);
    expect(batches.flat()).toEqual(unbounded.take(8));
  });

  it('always takes the first item, even one that fits no batch', () => {
    const queue = new FairQueue<string>(1);
    pushMany(queue, 'huge', 2, 0);
    expect(queue.take(5, () => false)).toEqual(['huge-1']);
  });

  it('counts items without a tenant as one shared tenant', () => {
    const queue = new FairQueue<string>(3);
    pushMany(queue, 'anyone', 3, 0);
    pushMany(queue, 'job@named', 3, 0);
    expect(queue.take(6)).toEqual([
      'anyone-1',
      'job@named-1',
      'anyone-2',
      'job@named-2',
      'anyone-3',
      'job@named-3',
    ]);
  });

  it("drops a tenant's queue as soon as it is empty, so made-up tenant names leave nothing behind", () => {
    const queue = new FairQueue<string>(3);
    for (let index = 0; index < 1_000; index += 1)
      queue.push(`job-${index}`, index % 3, { tenant: `t${index}`, weight: 1 });
    expect(queue.tenantQueueCount).toBe(1_000);
    expect(queue.take(600)).toHaveLength(600);
    expect(queue.tenantQueueCount).toBe(400);
    expect(queue.removeWhere((item) => item.endsWith('7'))).toHaveLength(40);
    expect(queue.tenantQueueCount).toBe(360);
    expect(queue.clear()).toHaveLength(360);
    expect({ size: queue.size, tenantQueues: queue.tenantQueueCount }).toEqual({ size: 0, tenantQueues: 0 });
  });
});
