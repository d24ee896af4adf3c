import type { Predictor } from './predictor.js';

/** Smoothing constants of the damped Holt predictor. */
export interface DampedHoltOptions {
  /** Weight of the newest measurement in the level, 0..1. @default 0.5 */
  levelWeight?: number;
  /** Weight of the newest level change in the trend, 0..1. @default 0.2 */
  trendWeight?: number;
  /**
   * Per-step damping of the trend, 0..1: far steps do not extrapolate a ramp for ever (the trend
   * adds at most damping / (1 − damping) steps' worth). @default 0.95
   */
  damping?: number;
}

// A level weight of a half follows a ramp within a few steps yet halves the step-to-step noise
// of Poisson arrivals; a trend weight of a fifth needs a change to persist for a few steps before
// it is extrapolated, so one burst does not read as a ramp.
const DEFAULT_LEVEL_WEIGHT = 0.5;
const DEFAULT_TREND_WEIGHT = 0.2;
const DEFAULT_DAMPING = 0.95;

/**
 * Level and trend by Holt's linear exponential smoothing with a damped trend (Gardner and
 * McKenzie): forecast(h) = level + (φ + φ² + … + φ^h) × trend. The trend starts as the first
 * difference once two steps are known.
 */
export function createDampedHoltPredictor(options: DampedHoltOptions = {}): Predictor {
  const alpha = options.levelWeight ?? DEFAULT_LEVEL_WEIGHT;
  const beta = options.trendWeight ?? DEFAULT_TREND_WEIGHT;
  const phi = options.damping ?? DEFAULT_DAMPING;
  let level: number | undefined;
  let trend: number | undefined;
  return {
    name: 'damped-holt',
    observe(ratePerSecond) {
      if (level === undefined) {
        level = ratePerSecond;
        return;
      }
      if (trend === undefined) {
        trend = ratePerSecond - level;
        level = ratePerSecond;
        return;
      }
      const previousLevel = level;
      level = alpha * ratePerSecond + (1 - alpha) * (previousLevel + phi * trend);
      trend = beta * (level - previousLevel) + (1 - beta) * phi * trend;
    },
    forecast(steps) {
      if (level === undefined) return undefined;
      if (trend === undefined) return level;
      let damped = 0;
      let power = 1;
      for (let step = 1; step <= steps; step += 1) {
        power *= phi;
        damped += power;
      }
      return level + damped * trend;
    },
  };
}
