import { describe, expect, it } from 'vitest';
import { MIN_MEASURED_REQUESTS, probeWindowMs } from './run-probe.js';

describe('probeWindowMs', () => {
  it('keeps the minimum window when it holds enough requests after the warm-up', () => {
    expect(probeWindowMs(8_000, 500)).toBe(8_000);
  });

  it('stretches a low-rate probe until its measured part holds the minimum of requests', () => {
    const windowMs = probeWindowMs(8_000, 10);
    // Four fifths of the window are measured.
    expect(Math.round(((windowMs * 0.8) / 1_000) * 10)).toBe(MIN_MEASURED_REQUESTS);
    expect(windowMs).toBeGreaterThan(8_000);
  });
});
