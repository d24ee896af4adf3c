import { describe, expect, it } from 'vitest';
import { selectBurstWindow } from './select-burst-window.js';

/** `perBin[i]` arrivals spread evenly over bin i of `binMs`. */
function arrivals(perBin: readonly number[], binMs: number): number[] {
  return perBin.flatMap((count, bin) =>
    Array.from({ length: count }, (_, index) => bin * binMs + (index * binMs) / count),
  );
}

describe('selectBurstWindow', () => {
  it('picks the window whose busiest bin stands highest above its mean, not the busiest window', () => {
    // Bins of 1 s: a steady heavy stretch (10/s), then a light stretch with one burst (2/s, 12).
    const offsets = arrivals([10, 10, 10, 10, 2, 2, 12, 2, 2, 2], 1_000);
    const window = selectBurstWindow(offsets, 4_000, 1_000);
    // Windows over bins 3–6 (10, 2, 2, 12: ratio 1.85) and 4–7 (2, 2, 12, 2: ratio 2.67) and later ones.
    expect(window).toMatchObject({ startMs: 4_000, endMs: 8_000, peakAtMs: 6_000, peakPerSecond: 12 });
    expect(window.peakToMean).toBeCloseTo(12 / 4.5);
    expect(window.meanPerSecond).toBeCloseTo(4.5);
  });

  it('starts the window no earlier than asked, so the lead-in before it is whole', () => {
    // A burst in the first bins, a smaller one later: the early one is out of reach.
    const offsets = [
      ...Array.from({ length: 30 }, () => 500),
      2_500,
      4_500,
      ...Array.from({ length: 8 }, () => 6_500),
      8_500,
    ];
    expect(selectBurstWindow(offsets, 4_000, 1_000, 3_000)).toMatchObject({
      startMs: 3_000,
      peakAtMs: 6_000,
    });
    expect(selectBurstWindow(offsets, 4_000, 1_000)).toMatchObject({ startMs: 0, peakAtMs: 0 });
  });

  it('takes the earliest of equally bursty windows', () => {
    const offsets = arrivals([1, 5, 1, 1, 5, 1], 500);
    expect(selectBurstWindow(offsets, 1_500, 500).startMs).toBe(0);
  });

  it('replays the whole trace from its start when it is shorter than the window', () => {
    const window = selectBurstWindow(arrivals([3, 1], 1_000), 10_000, 1_000);
    expect(window).toMatchObject({ startMs: 0, endMs: 10_000 });
    expect(window.peakToMean).toBeCloseTo(7.5);
  });

  it('refuses a window that is not a whole number of bins, and an empty trace', () => {
    expect(() => selectBurstWindow([0], 1_500, 1_000)).toThrow(/whole number/);
    expect(() => selectBurstWindow([], 1_000, 1_000)).toThrow(/no arrivals/);
  });
});
