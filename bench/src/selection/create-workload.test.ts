import { describe, expect, it } from 'vitest';
import { createWorkload, WORKLOAD_MIX } from './create-workload.js';
import { TIERS } from './model-zoo.js';
import type { TraceArrival } from '../shared/read-trace.js';
import { createSeededRandom } from '../shared/seeded-random.js';

/** One arrival every 10 ms of trace time for 100 s, prompts growing with time. */
const ARRIVALS: TraceArrival[] = Array.from({ length: 10_000 }, (_, index) => ({
  offsetMs: index * 10,
  promptTokens: 100 + index,
  outputTokens: 0,
}));
const WINDOW = { startMs: 20_000, durationMs: 60_000, speedup: 10 };

describe('createWorkload', () => {
  it('replays only the window, sped up, keeping each arrival’s order', () => {
    const workload = createWorkload(ARRIVALS, WINDOW, createSeededRandom(7));
    expect(workload).toHaveLength(6_000);
    expect(workload[0]?.sendAtMs).toBe(0);
    expect(workload.at(-1)?.sendAtMs).toBeCloseTo(5_999, 6);
  });

  it('gives every strategy the same requests for the same seed, and other requests for another', () => {
    const first = createWorkload(ARRIVALS, WINDOW, createSeededRandom(7));
    expect(createWorkload(ARRIVALS, WINDOW, createSeededRandom(7))).toEqual(first);
    expect(createWorkload(ARRIVALS, WINDOW, createSeededRandom(8))).not.toEqual(first);
  });

  it('sizes text by the trace’s prompt tokens and draws the mix in its stated proportions', () => {
    const workload = createWorkload(ARRIVALS, WINDOW, createSeededRandom(7));
    const text = workload.filter((request) => request.modality === 'text');
    expect(text[0]?.shape).toEqual([1, text[0]?.complexity]);
    expect(text.every((request) => request.complexity >= 2_100)).toBe(true);
    expect(text.length / workload.length).toBeCloseTo(0.7, 1);
    const tight = workload.filter((request) => request.tightDeadline);
    expect(tight.length / workload.length).toBeCloseTo(WORKLOAD_MIX.tightShare, 1);
  });

  it('gives tight requests a budget in the tight range and the others their tier’s budget', () => {
    const workload = createWorkload(ARRIVALS, WINDOW, createSeededRandom(7));
    const [lowest, highest] = WORKLOAD_MIX.tightBudgetMs;
    for (const request of workload) {
      if (request.tightDeadline) {
        expect(request.budgetMs).toBeGreaterThanOrEqual(lowest);
        expect(request.budgetMs).toBeLessThanOrEqual(highest);
      } else {
        expect(request.budgetMs).toBe(TIERS[request.tier].slaMs);
      }
    }
  });
});
