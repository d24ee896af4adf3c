import { create } from '@bufbuild/protobuf';
import { AssignRequestSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { describeAssignmentRefusal } from './assignment-refusal.js';

const MEMORY_NEEDED: Record<string, number> = { a: 600, b: 400, c: 1 };
const limits = {
  newestEpoch: 5n,
  memoryBytes: 1_000,
  memoryNeededBytes: (model: string) => MEMORY_NEEDED[model] ?? 0,
};
const request = (epoch: bigint, models: string[]) => create(AssignRequestSchema, { epoch, models });

describe('describeAssignmentRefusal', () => {
  it('passes an assignment of the newest epoch or a later one that fits the memory', () => {
    expect(describeAssignmentRefusal(request(5n, ['a', 'b']), limits)).toBeUndefined();
    expect(describeAssignmentRefusal(request(6n, ['a', 'a', 'b', 'unknown']), limits)).toBeUndefined();
    expect(describeAssignmentRefusal(request(6n, []), limits)).toBeUndefined();
  });

  it('refuses an epoch below the newest applied', () => {
    expect(describeAssignmentRefusal(request(4n, []), limits)).toBe(
      'stale epoch 4: this worker has applied epoch 5',
    );
  });

  it("refuses models that together exceed the worker's memory, listing what each needs", () => {
    expect(describeAssignmentRefusal(request(5n, ['a', 'b', 'c']), limits)).toBe(
      'the models need 1001 bytes of memory (a 600, b 400, c 1); this worker has 1000',
    );
  });
});
