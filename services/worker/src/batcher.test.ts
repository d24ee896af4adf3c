import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.js';

interface RecordingOptions {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  runMs?: number;
  fixedSize?: boolean;
  /** Deadlines by item, ms from when the item is pushed. */
  deadlinesInMs?: Map<number, number>;
  expectedRunMs?: number;
  preferredBatchSizes?: number[];
  maxBatchUnits?: number;
  /** Units by item; 1 for items not listed. */
  units?: Map<number, number>;
}

function recordingBatcher(options: RecordingOptions) {
  const batches: number[][] = [];
  /** When each batch started, ms since the batcher was created. */
  const startedAtMs: number[] = [];
  const expired: number[] = [];
  const createdAtMs = performance.now();
  const deadlines = new Map<number, number>();
  const batcher = new Batcher<number>({
    ...options,
    priorityLevels: 3,
    run: async (batch) => {
      batches.push(batch);
      startedAtMs.push(performance.now() - createdAtMs);
      await sleep(options.runMs ?? 0);
    },
    deadlineUnixMs: (item) => deadlines.get(item),
    expectedRunMs: () => options.expectedRunMs ?? 0,
    unitsOf: (item) => options.units?.get(item) ?? 1,
    onExpired: (item) => expired.push(item),
  });
  const push = (item: number, level = 1) => {
    const inMs = options.deadlinesInMs?.get(item);
    if (inMs !== undefined) deadlines.set(item, Date.now() + inMs);
    batcher.push(item, level);
  };
  return { batcher, batches, startedAtMs, expired, push };
}

describe('Batcher', () => {
  it('dispatches a full batch at once without waiting for the queue delay', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 3, maxQueueDelayMs: 10_000 });
    [1, 2, 3].forEach((item) => batcher.push(item, 1));
    await batcher.flush();
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('runs the largest preferred size the queue fills at once, and the rest after the delay', async () => {
    const { batcher, batches } = recordingBatcher({
      maxBatchSize: 16,
      maxQueueDelayMs: 40,
      preferredBatchSizes: [2, 4],
      runMs: 5,
    });
    [1, 2, 3, 4, 5].forEach((item) => batcher.push(item, 1));
    await sleep(15);
    expect(batches).toEqual([[1, 2, 3, 4]]);
    await sleep(50);
    expect(batches).toEqual([[1, 2, 3, 4], [5]]);
  });

  it('closes a batch at its unit bound, and runs an item larger than the bound alone', async () => {
    const units = new Map([
      [1, 300],
      [2, 300],
      [3, 300],
      [4, 2000],
      [5, 100],
    ]);
    const { batcher, batches } = recordingBatcher({
      maxBatchSize: 8,
      maxQueueDelayMs: 10_000,
      maxBatchUnits: 1000,
      units,
    });
    [1, 2, 3, 4, 5].forEach((item) => batcher.push(item, 1));
    await batcher.flush();
    expect(batches).toEqual([[1, 2, 3], [4], [5]]);
  });

  it('runs a queue that reached its unit bound without waiting for the delay', async () => {
    const units = new Map([
      [1, 600],
      [2, 600],
      [3, 600],
    ]);
    const { batcher, batches } = recordingBatcher({
      maxBatchSize: 8,
      maxQueueDelayMs: 10_000,
      maxBatchUnits: 1000,
      units,
      runMs: 5,
    });
    [1, 2, 3].forEach((item) => batcher.push(item, 1));
    await sleep(30);
    expect(batches).toEqual([[1], [2]]);
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

  it('static: runs only full batches under load, however long jobs waited behind a running batch', async () => {
    const { push, batcher, batches } = recordingBatcher({
      maxBatchSize: 4,
      maxQueueDelayMs: 20,
      runMs: 60,
      fixedSize: true,
    });
    [1, 2, 3, 4].forEach((item) => push(item));
    await sleep(10);
    [5, 6].forEach((item) => push(item));
    await sleep(60);
    [7, 8].forEach((item) => push(item));
    await sleep(5);
    await batcher.flush();
    expect(batches).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
  });

  it('dynamic: runs a partial batch as soon as the model is free once its oldest job waited the delay', async () => {
    const { push, batcher, batches } = recordingBatcher({ maxBatchSize: 4, maxQueueDelayMs: 20, runMs: 60 });
    [1, 2, 3, 4].forEach((item) => push(item));
    await sleep(10);
    [5, 6].forEach((item) => push(item));
    await sleep(60);
    [7, 8].forEach((item) => push(item));
    await sleep(5);
    await batcher.flush();
    expect(batches).toEqual([
      [1, 2, 3, 4],
      [5, 6],
      [7, 8],
    ]);
  });

  it('static: forms exactly max-size batches from a steady stream and flushes the partial rest after the timeout', async () => {
    const { push, batcher, batches, startedAtMs } = recordingBatcher({
      maxBatchSize: 4,
      maxQueueDelayMs: 40,
      runMs: 10,
      fixedSize: true,
    });
    for (let item = 1; item <= 14; item += 1) {
      push(item);
      await sleep(3);
    }
    await sleep(80);
    // Flushed by the timeout, not by flush(): every batch ran before it.
    expect(batches.map((batch) => batch.length)).toEqual([4, 4, 4, 2]);
    await batcher.flush();
    expect(batches.flat()).toEqual(Array.from({ length: 14 }, (_, index) => index + 1));
    // The partial batch waited out the flush timeout: it started ≥ 40 ms after the 4th batch began forming.
    expect((startedAtMs[3] ?? 0) - (startedAtMs[2] ?? 0)).toBeGreaterThanOrEqual(39);
  });

  for (const fixedSize of [false, true]) {
    const mode = fixedSize ? 'static' : 'dynamic';
    it(`${mode}: closes a batch early for a tight deadline, allowing for its expected run time`, async () => {
      const { push, batches, startedAtMs } = recordingBatcher({
        maxBatchSize: 8,
        maxQueueDelayMs: 300,
        fixedSize,
        deadlinesInMs: new Map([[2, 100]]),
        expectedRunMs: 60,
      });
      push(1);
      push(2);
      await sleep(150);
      expect(batches).toEqual([[1, 2]]);
      // Closed at deadline − expected run time (≈ 40 ms), not at the deadline, nor after the delay.
      expect(startedAtMs[0]).toBeGreaterThanOrEqual(35);
      expect(startedAtMs[0]).toBeLessThan(90);
    });

    it(`${mode}: lets jobs with no or distant deadlines wait the full delay`, async () => {
      const { push, batches, startedAtMs } = recordingBatcher({
        maxBatchSize: 8,
        maxQueueDelayMs: 60,
        fixedSize,
        deadlinesInMs: new Map([[2, 10_000]]),
        expectedRunMs: 60,
      });
      push(1);
      push(2);
      await sleep(100);
      expect(batches).toEqual([[1, 2]]);
      expect(startedAtMs[0]).toBeGreaterThanOrEqual(59);
    });
  }

  it('lets high priority jump the queue while low priority still progresses under sustained high-priority load', async () => {
    const batches: string[][] = [];
    let nextHigh = 1;
    const batcher: Batcher<string> = new Batcher<string>({
      maxBatchSize: 5,
      maxQueueDelayMs: 0,
      priorityLevels: 3,
      run: async (batch) => {
        batches.push(batch);
        await sleep(1);
        // Sustained load from the second batch on: 5 more high-priority jobs arrive during every
        // batch, more than their share of it.
        if (batches.length >= 2 && batches.length < 20)
          for (let count = 0; count < 5; count += 1) batcher.push(`high-${nextHigh++}`, 0);
      },
    });
    batcher.push('running', 1);
    await sleep(0);
    for (let index = 1; index <= 10; index += 1) batcher.push(`low-${index}`, 2);
    batcher.push('high-0', 0);
    await batcher.flush();
    // Queued after ten low-priority jobs, the high-priority one runs in the very next batch.
    expect(batches[1]?.[0]).toBe('high-0');
    // Under sustained high-priority load each batch still takes one low-priority job (4:1)…
    const lowPerBatch = batches
      .slice(2, 8)
      .map((batch) => batch.filter((item) => item.startsWith('low')).length);
    expect(lowPerBatch).toEqual([1, 1, 1, 1, 1, 1]);
    // …so the last one runs long before the high-priority load ends (20 batches).
    const lastLow = batches.findIndex((batch) => batch.includes('low-10'));
    expect(lastLow).toBe(7);
  });

  it("does not push a light tenant's jobs behind a flooding tenant's whole flood", async () => {
    const batches: string[][] = [];
    const batcher = new Batcher<string>({
      maxBatchSize: 4,
      maxQueueDelayMs: 0,
      priorityLevels: 3,
      tenantOf: (item) => ({ tenant: item.split('-')[0] ?? '', weight: 1 }),
      run: async (batch) => {
        batches.push(batch);
        await sleep(1);
      },
    });
    batcher.push('flood-0', 1);
    await sleep(0);
    for (let index = 1; index <= 40; index += 1) batcher.push(`flood-${index}`, 1);
    batcher.push('light-1', 1);
    batcher.push('light-2', 1);
    await batcher.flush();
    expect(batches[1]).toEqual(['flood-1', 'light-1', 'flood-2', 'light-2']);
    expect(batches.flat()).toHaveLength(43);
  });

  it('hands a job that expired while queued to onExpired and never runs it', async () => {
    const { push, batcher, batches, expired } = recordingBatcher({
      maxBatchSize: 4,
      maxQueueDelayMs: 0,
      runMs: 50,
      deadlinesInMs: new Map([[2, 10]]),
    });
    push(1);
    await sleep(5);
    push(2);
    push(3);
    await sleep(80);
    await batcher.flush();
    expect(batches).toEqual([[1], [3]]);
    expect(expired).toEqual([2]);
  });
});
