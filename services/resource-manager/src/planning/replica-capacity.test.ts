import { describe, expect, it } from 'vitest';
import { ReplicaCapacity } from './replica-capacity.js';

describe('ReplicaCapacity', () => {
  it('fits execute time against batch size and serves batches of the max size back to back', () => {
    const capacity = new ReplicaCapacity();
    // 2 ms fixed + 1 ms per request.
    for (const size of [1, 2, 4, 1, 3]) capacity.observe('m', size, 2_000 + 1_000 * size);
    // A batch of 8 takes 10 ms: 800 requests per second.
    expect(capacity.perReplica('m', 8, 50)).toBeCloseTo(800, 6);
  });

  it("uses the model's prior service time before any batch of it is seen", () => {
    const capacity = new ReplicaCapacity();
    capacity.observe('other', 4, 1_000);
    expect(capacity.perReplica('m', 8, 50)).toBe(20);
    expect(() => capacity.perReplica('m', 8, 0)).toThrow(RangeError);
  });

  it('stands by the throughput measured while only one batch size has been seen', () => {
    const capacity = new ReplicaCapacity();
    capacity.observe('m', 1, 4_000);
    capacity.observe('m', 1, 6_000);
    expect(capacity.perReplica('m', 16, 50)).toBeCloseTo(200, 9);
  });

  it('fits only the newest batches of a model', () => {
    const capacity = new ReplicaCapacity({ windowSize: 4 });
    for (const size of [1, 2, 3, 4]) capacity.observe('m', size, 100_000 * size);
    for (const size of [1, 2, 3, 4]) capacity.observe('m', size, 1_000 * size);
    expect(capacity.perReplica('m', 4, 50)).toBeCloseTo(1_000, 6);
  });

  it('does not let bigger batches run faster when noise slopes the fit down', () => {
    const capacity = new ReplicaCapacity();
    capacity.observe('m', 1, 10_000);
    capacity.observe('m', 2, 9_000);
    capacity.observe('m', 3, 8_000);
    // The fit is 11 ms − 1 ms per request; taken flat, a batch of 8 takes 11 ms.
    expect(capacity.perReplica('m', 8, 50)).toBeCloseTo(8 / 0.011, 6);
  });

  it('never predicts a batch faster than the fastest one measured', () => {
    const capacity = new ReplicaCapacity();
    // The fit is −3 ms + 2 ms per request: a batch of one would take −1 ms.
    capacity.observe('m', 2, 1_000);
    capacity.observe('m', 4, 5_000);
    expect(capacity.perReplica('m', 1, 50)).toBeCloseTo(1_000, 6);
  });

  it('ignores empty or timeless batches and forgets models it is not told to retain', () => {
    const capacity = new ReplicaCapacity();
    capacity.observe('m', 0, 1_000);
    capacity.observe('m', 2, 0);
    expect(capacity.perReplica('m', 2, 100)).toBe(10);
    capacity.observe('m', 2, 1_000);
    capacity.observe('kept', 2, 1_000);
    capacity.retain(new Set(['kept']));
    expect(capacity.perReplica('m', 2, 100)).toBe(10);
    expect(capacity.perReplica('kept', 2, 100)).toBe(2_000);
  });
});
