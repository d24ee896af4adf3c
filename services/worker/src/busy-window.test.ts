import { describe, expect, it } from 'vitest';
import { BusyWindow } from './busy-window.js';

const T0 = 1_700_000_000_000;

describe('BusyWindow', () => {
  it('reports the busy fraction of the trailing window', () => {
    const window = new BusyWindow(10);
    window.add(T0 + 1_000, 2_000);
    window.add(T0 + 5_000, 3_000);
    expect(window.ratio(T0 + 9_999)).toBeCloseTo(5_000 / 9_999, 3);
  });

  it('falls back to 0 once the busy seconds leave the window', () => {
    const window = new BusyWindow(10);
    window.add(T0, 4_000);
    expect(window.ratio(T0 + 500)).toBeGreaterThan(0);
    expect(window.ratio(T0 + 10_000)).toBe(0);
  });

  it('reuses a slot for a later second instead of adding to its old value', () => {
    const window = new BusyWindow(2);
    window.add(T0, 1_000);
    window.add(T0 + 2_000, 100);
    expect(window.ratio(T0 + 2_999)).toBeCloseTo(100 / 1_999, 3);
  });

  it('never reports more than fully busy', () => {
    const window = new BusyWindow(10);
    window.add(T0, 60_000);
    expect(window.ratio(T0)).toBe(1);
  });
});
