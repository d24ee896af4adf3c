import { BatchingMode } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { registryQueueDelayUs, tuneQueueDelay } from './tune-queue-delay.js';
import type { QueueDelayObservation, QueueDelayTuningInput } from './tune-queue-delay.js';

const BUDGET_US = 1_000_000;

/** `count` requests with a 1 s budget whose latency is `ratio` of it. */
function requests(count: number, ratio: number, budgetUs = BUDGET_US): QueueDelayObservation[] {
  const latencyUs = ratio * budgetUs;
  return Array.from({ length: count }, () => ({ latencyUs, budgetUs, sloMissed: latencyUs > budgetUs }));
}

/** A dynamic model batching up to 8 with a 4 ms registry delay. */
function dynamicModel(maxQueueDelayUs = 4_000): QueueDelayTuningInput['batching'] {
  return { mode: BatchingMode.DYNAMIC, maxBatchSize: 8, maxQueueDelayUs };
}

describe('tuneQueueDelay', () => {
  it('grows the delay by a quarter when the p95 of latency over budget is well under 1', () => {
    const decision = tuneQueueDelay({ batching: dynamicModel(), observations: requests(200, 0.3) });

    expect(decision).toEqual({
      maxQueueDelayUs: 5_000,
      changed: true,
      reason:
        'p95 at 0.30 of budget, 0.0% missed (200 requests): longer delay for fuller batches, 4000 → 5000 µs',
    });
  });

  it('grows a delay of 0 by 1 ms', () => {
    const decision = tuneQueueDelay({ batching: dynamicModel(0), observations: requests(100, 0.2) });

    expect(decision?.maxQueueDelayUs).toBe(1_000);
  });

  it('halves the delay when the p95 nears the budget', () => {
    const decision = tuneQueueDelay({ batching: dynamicModel(), observations: requests(100, 0.85) });

    expect(decision).toMatchObject({ maxQueueDelayUs: 2_000, changed: true });
    expect(decision?.reason).toContain('tail at risk, shorter delay, 4000 → 2000 µs');
  });

  it('judges the tail by the 95th percentile, not the mean nor the slowest few', () => {
    const slowTail = [...requests(90, 0.1), ...requests(10, 0.9)];
    const fewOutliers = [...requests(97, 0.3), ...requests(3, 0.95)];

    expect(tuneQueueDelay({ batching: dynamicModel(), observations: slowTail })?.maxQueueDelayUs).toBe(2_000);
    expect(tuneQueueDelay({ batching: dynamicModel(), observations: fewOutliers })?.maxQueueDelayUs).toBe(
      5_000,
    );
  });

  it('halves the delay when more than 1% of budgets were missed, though the p95 has slack', () => {
    const twoMissed = [...requests(98, 0.3), ...requests(2, 1.2)];
    const oneMissed = [...requests(99, 0.3), ...requests(1, 1.2)];

    const decision = tuneQueueDelay({ batching: dynamicModel(), observations: twoMissed });
    expect(decision?.maxQueueDelayUs).toBe(2_000);
    expect(decision?.reason).toMatch(/^p95 at 0\.30 of budget, 2\.0% missed \(100 requests\): tail at risk/);
    expect(tuneQueueDelay({ batching: dynamicModel(), observations: oneMissed })?.maxQueueDelayUs).toBe(
      5_000,
    );
  });

  it('cuts a delay that would halve below 100 µs to 0, and reports no change at 0', () => {
    const atRisk = requests(100, 1.1);

    expect(
      tuneQueueDelay({ batching: dynamicModel(), currentDelayUs: 150, observations: atRisk }),
    ).toMatchObject({ maxQueueDelayUs: 0, changed: true });
    expect(
      tuneQueueDelay({ batching: dynamicModel(), currentDelayUs: 0, observations: atRisk }),
    ).toMatchObject({ maxQueueDelayUs: 0, changed: false });
  });

  it('keeps the delay while the p95 lies between 0.5 and 0.8 of the budget', () => {
    for (const ratio of [0.55, 0.65, 0.75]) {
      const decision = tuneQueueDelay({
        batching: dynamicModel(),
        currentDelayUs: 6_000,
        observations: requests(100, ratio),
      });
      expect(decision).toMatchObject({ maxQueueDelayUs: 6_000, changed: false });
      expect(decision?.reason).toContain('within the band, unchanged');
    }
  });

  it('keeps the delay with fewer than 50 budgeted requests, however late they were', () => {
    const unbudgeted = requests(100, 0.3).map((request) => ({ ...request, budgetUs: 0 }));
    const decision = tuneQueueDelay({
      batching: dynamicModel(),
      currentDelayUs: 7_000,
      observations: [...requests(49, 3), ...unbudgeted],
    });

    expect(decision).toEqual({
      maxQueueDelayUs: 7_000,
      changed: false,
      reason: '49 requests with a latency budget, fewer than 50: unchanged',
    });
  });

  it('starts from the knob in force rather than the registry delay', () => {
    const decision = tuneQueueDelay({
      batching: dynamicModel(),
      currentDelayUs: 8_000,
      observations: requests(100, 0.3),
    });

    expect(decision?.maxQueueDelayUs).toBe(10_000);
  });

  it('never grows past 4 times the registry delay (4 ms when that is 0)', () => {
    const slack = requests(100, 0.1);

    expect(
      tuneQueueDelay({ batching: dynamicModel(), currentDelayUs: 15_000, observations: slack }),
    ).toMatchObject({ maxQueueDelayUs: 16_000, changed: true });
    const atCeiling = tuneQueueDelay({
      batching: dynamicModel(),
      currentDelayUs: 16_000,
      observations: slack,
    });
    expect(atCeiling).toMatchObject({ maxQueueDelayUs: 16_000, changed: false });
    expect(atCeiling?.reason).toContain('slack, but at the ceiling of 16000 µs');
    expect(
      tuneQueueDelay({ batching: dynamicModel(0), currentDelayUs: 3_500, observations: slack })
        ?.maxQueueDelayUs,
    ).toBe(4_000);
  });

  it('never grows past a tenth of the 5th-percentile budget, and lowers a knob above it', () => {
    // 90 requests with 1 s budgets, 10 with 50 ms ones: the tight budget is 50 ms, the ceiling 5 ms.
    const mixed = [...requests(90, 0.1), ...requests(10, 0.1, 50_000)];

    expect(
      tuneQueueDelay({ batching: dynamicModel(), currentDelayUs: 4_800, observations: mixed })
        ?.maxQueueDelayUs,
    ).toBe(5_000);
    const lowered = tuneQueueDelay({
      batching: dynamicModel(),
      currentDelayUs: 12_000,
      observations: [...requests(90, 0.6), ...requests(10, 0.6, 50_000)],
    });
    expect(lowered).toMatchObject({ maxQueueDelayUs: 5_000, changed: true });
    expect(lowered?.reason).toContain('lowered to the ceiling of 5000 µs, 12000 → 5000 µs');
  });

  it("always allows the registry's own delay, even above a tenth of the budgets", () => {
    const decision = tuneQueueDelay({
      batching: dynamicModel(20_000),
      observations: requests(100, 0.1, 100_000),
    });

    expect(decision).toMatchObject({ maxQueueDelayUs: 20_000, changed: false });
  });

  it('starts a static model without a registry delay from the 50 ms it waits by default', () => {
    const batching = { mode: BatchingMode.STATIC, maxBatchSize: 8, maxQueueDelayUs: 0 };

    expect(registryQueueDelayUs(batching)).toBe(50_000);
    expect(tuneQueueDelay({ batching, observations: requests(100, 0.9) })?.maxQueueDelayUs).toBe(25_000);
    expect(tuneQueueDelay({ batching, observations: requests(100, 0.2) })?.maxQueueDelayUs).toBe(62_500);
  });

  it('leaves models that do not batch alone', () => {
    const observations = requests(100, 0.95);

    for (const batching of [
      { mode: BatchingMode.NONE, maxBatchSize: 8, maxQueueDelayUs: 4_000 },
      { mode: BatchingMode.UNSPECIFIED, maxBatchSize: 8, maxQueueDelayUs: 4_000 },
      { mode: BatchingMode.DYNAMIC, maxBatchSize: 1, maxQueueDelayUs: 4_000 },
      undefined,
    ]) {
      expect(tuneQueueDelay({ batching, observations })).toBeUndefined();
    }
  });
});
