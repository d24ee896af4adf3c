import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.js';

function recordingBatcher(options: { maxBatchSize: number; maxQueueDelayMs: number; runMs?: number }) {
  const batches: number[][] = [];
  const batcher = new Batcher<number>({
    ...options,
    priorityLevels: 3,
    run: async (batch) => {
      batches.push(batch);
      await sleep(options.runMs ?? 0);
    },
  });
  return { batcher, batches };
}

describe('Batcher', () => {
  it('dispatches a full batch at once without waiting for the queue delay', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 3, maxQueueDelayMs: 10_000 });
    [1, 2, 3].forEach((item) => batcher.push(item, 1));
    await batcher.flush();
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('waits up to the queue delay for a partial batch, then runs it', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 8, maxQueueDelayMs: 30 });
    batcher.push(1, 1);
    batcher.push(2, 1);
    await sleep(5);
    expect(batches).toEqual([]);
    await sleep(60);
    expect(batches).toEqual([[1, 2]]);
  });

  it('batches what arrived in the same turn when the delay is zero, and fills the next batch while one runs', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 4, maxQueueDelayMs: 0, runMs: 20 });
    batcher.push(1, 1);
    batcher.push(2, 1);
    await sleep(5);
    for (let item = 3; item <= 7; item += 1) batcher.push(item, 1);
    await sleep(5);
    await batcher.flush();
    expect(batches).toEqual([[1, 2], [3, 4, 5, 6], [7]]);
  });

  it('takes higher-priority items first once the running batch is done', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 2, maxQueueDelayMs: 0, runMs: 20 });
    batcher.push(1, 1);
    await sleep(5);
    batcher.push(30, 2);
    batcher.push(20, 1);
    batcher.push(10, 0);
    await sleep(5);
    await batcher.flush();
    expect(batches).toEqual([[1], [10, 20], [30]]);
  });

  it('runs a waiting partial batch once a shorter delay has passed, without waiting out the old one', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 8, maxQueueDelayMs: 10_000 });
    batcher.push(1, 1);
    await sleep(5);
    batcher.setMaxQueueDelayMs(20);
    expect(batches).toEqual([]);
    await sleep(40);
    expect(batches).toEqual([[1]]);
  });

  it('lets a waiting partial batch fill for longer once the delay grows', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 8, maxQueueDelayMs: 20 });
    batcher.push(1, 1);
    batcher.setMaxQueueDelayMs(100);
    await sleep(50);
    batcher.push(2, 1);
    expect(batches).toEqual([]);
    await sleep(80);
    expect(batches).toEqual([[1, 2]]);
  });

  it('hands back queued items that have not started', () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 10, maxQueueDelayMs: 1_000 });
    batcher.push(1, 1);
    batcher.push(2, 0);
    expect(batcher.takeQueued().sort()).toEqual([1, 2]);
    expect(batcher.queuedCount).toBe(0);
    expect(batches).toEqual([]);
  });
});
