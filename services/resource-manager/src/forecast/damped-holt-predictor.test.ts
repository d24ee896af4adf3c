import { describe, expect, it } from 'vitest';
import { createDampedHoltPredictor } from './damped-holt-predictor.js';

describe('createDampedHoltPredictor', () => {
  it('knows nothing before the first step, then forecasts its level', () => {
    const predictor = createDampedHoltPredictor();
    expect(predictor.forecast(1)).toBeUndefined();

    predictor.observe(7, 10_000);
    expect(predictor.forecast(3)).toBe(7);
  });

  it('takes the first difference as its trend once two steps are known', () => {
    const predictor = createDampedHoltPredictor({ damping: 0.5 });
    predictor.observe(10, 10_000);
    predictor.observe(20, 20_000);
    expect(predictor.forecast(1)).toBe(25);
    expect(predictor.forecast(2)).toBe(27.5);
  });

  it('holds a flat series flat however far ahead', () => {
    const predictor = createDampedHoltPredictor();
    for (let step = 1; step <= 20; step += 1) predictor.observe(5, step * 10_000);

    expect(predictor.forecast(1)).toBeCloseTo(5, 9);
    expect(predictor.forecast(50)).toBeCloseTo(5, 9);
  });

  it('extrapolates a ramp, but damps the trend far ahead', () => {
    const predictor = createDampedHoltPredictor({ damping: 0.9 });
    for (let step = 1; step <= 40; step += 1) predictor.observe(step, step * 10_000);

    const next = predictor.forecast(1)!;
    expect(next).toBeGreaterThan(40);
    expect(next).toBeLessThan(41);
    expect(predictor.forecast(5)! - next).toBeGreaterThan(1.5);
    // A damped trend adds at most φ / (1 − φ) = 9 steps' worth: far ahead the forecast levels off.
    expect(predictor.forecast(1_000)! - predictor.forecast(100)!).toBeLessThan(1e-3);
    expect(predictor.forecast(1_000)!).toBeLessThan(40 + 9 * 1.1);
  });
});
