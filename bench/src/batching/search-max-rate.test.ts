import { describe, expect, it } from 'vitest';
import { searchMaxRate } from './search-max-rate.js';
import type { RatePoint } from './search-max-rate.js';

/** A system that keeps its SLO up to `limitRps` and records the rates it was asked for. */
function systemWithLimit(limitRps: number) {
  const asked: number[] = [];
  const probe = async (rps: number): Promise<RatePoint> => {
    asked.push(rps);
    return { offeredRps: rps, withinSlo: rps <= limitRps };
  };
  return { asked, probe };
}

describe('searchMaxRate', () => {
  it('doubles until a rate fails, then bisects to within 2^(1/8) of the limit', async () => {
    const system = systemWithLimit(300);
    const result = await searchMaxRate({
      startRps: 50,
      bisections: 3,
      minRps: 1,
      maxRps: 10_000,
      probe: system.probe,
    });
    expect(system.asked.slice(0, 4)).toEqual([50, 100, 200, 400]);
    expect(system.asked).toHaveLength(7);
    expect(result.best?.offeredRps).toBeLessThanOrEqual(300);
    expect(result.best?.offeredRps).toBeGreaterThan(300 / 2 ** (1 / 8));
    expect(result.bracketed).toBe(true);
  });

  it('halves from a failing start rate until one passes', async () => {
    const system = systemWithLimit(30);
    const result = await searchMaxRate({
      startRps: 200,
      bisections: 0,
      minRps: 1,
      maxRps: 10_000,
      probe: system.probe,
    });
    expect(system.asked).toEqual([200, 100, 50, 25]);
    expect(result.best?.offeredRps).toBe(25);
  });

  it('gives no best rate when even the minimum fails', async () => {
    const system = systemWithLimit(0.5);
    const result = await searchMaxRate({
      startRps: 8,
      bisections: 3,
      minRps: 2,
      maxRps: 100,
      probe: system.probe,
    });
    expect(system.asked).toEqual([8, 4, 2]);
    expect(result.best).toBeUndefined();
    expect(result.bracketed).toBe(false);
  });

  it('stops at the maximum rate when every rate passes, and says the limit was not bracketed', async () => {
    const system = systemWithLimit(Infinity);
    const result = await searchMaxRate({
      startRps: 10,
      bisections: 3,
      minRps: 1,
      maxRps: 50,
      probe: system.probe,
    });
    expect(system.asked).toEqual([10, 20, 40, 50]);
    expect(result.best?.offeredRps).toBe(50);
    expect(result.bracketed).toBe(false);
  });

  it('returns the passing probe itself, with whatever else it measured', async () => {
    const result = await searchMaxRate({
      startRps: 10,
      bisections: 1,
      minRps: 1,
      maxRps: 100,
      probe: async (rps) => ({ offeredRps: rps, withinSlo: rps < 15, p99Ms: rps * 2 }),
    });
    expect(result.points.map((point) => point.offeredRps)).toEqual([10, 20, Math.sqrt(200)]);
    expect(result.best).toEqual({ offeredRps: Math.sqrt(200), withinSlo: true, p99Ms: Math.sqrt(200) * 2 });
  });

  it('refuses a growth of 1 or less, which would never find a bracket', async () => {
    const system = systemWithLimit(10);
    await expect(
      searchMaxRate({ startRps: 1, growth: 1, bisections: 0, minRps: 1, maxRps: 10, probe: system.probe }),
    ).rejects.toThrow(RangeError);
  });
});
