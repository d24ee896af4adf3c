import { describe, expect, it } from 'vitest';
import { SeasonalPredictor } from './seasonal-predictor.js';
import type { MinuteCounts } from './seasonal-predictor.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const STEP_MS = 10_000;
/** Today 09:00, eight days into the epoch: seven past days of history fit before it. */
const NINE_TODAY_MS = 8 * DAY_MS + 9 * HOUR_MS;

function daily(levelSteps = 30): SeasonalPredictor {
  return new SeasonalPredictor({
    name: 'seasonal-daily',
    periodMs: DAY_MS,
    seasons: 7,
    stepMs: STEP_MS,
    levelSteps,
  });
}

/** Per-minute counts from `fromMs` to `toMs`, `perMinute(minuteStartMs)` requests each (0 left out, as in the rollups). */
function history(fromMs: number, toMs: number, perMinute: (minuteMs: number) => number): MinuteCounts {
  const counts = new Map<number, number>();
  for (let minute = fromMs; minute < toMs; minute += MINUTE_MS) {
    const count = perMinute(minute);
    if (count > 0) counts.set(minute, count);
  }
  return counts;
}

/** Observes `ratePerSecond` for the steps of the `minutes` minutes before `endMs`. */
function observeUntil(
  predictor: SeasonalPredictor,
  endMs: number,
  minutes: number,
  ratePerSecond: number,
): void {
  for (let stepEnd = endMs - minutes * MINUTE_MS + STEP_MS; stepEnd <= endMs; stepEnd += STEP_MS) {
    predictor.observe(ratePerSecond, stepEnd);
  }
}

/** 2 rps before 09:00 each day, 10 rps from 09:00. */
const morningRise = (minuteMs: number): number => (minuteMs % DAY_MS < 9 * HOUR_MS ? 120 : 600);

describe('SeasonalPredictor', () => {
  it('forecasts the usual rate of that time of day, scaled by how today compares', () => {
    const predictor = daily();
    // Today runs at 1.5 × the usual 2 rps before nine; the history arrives after the steps.
    observeUntil(predictor, NINE_TODAY_MS - 30 * MINUTE_MS, 5, 3);
    expect(predictor.forecast(1)).toBeUndefined();
    predictor.setHistory(history(DAY_MS, NINE_TODAY_MS - 30 * MINUTE_MS, morningRise));

    expect(predictor.forecast(1)).toBeCloseTo(3, 9);
    // 30 minutes ahead, just past nine: the usual 10 rps × 1.5.
    expect(predictor.forecast(181)).toBeCloseTo(15, 9);
  });

  it('averages the seasons the history covers', () => {
    const predictor = daily();
    // 1 rps before nine every day; from nine 1 rps yesterday but 2 rps the six days before.
    const perMinute = (minute: number): number =>
      minute % DAY_MS < 9 * HOUR_MS || minute >= 7 * DAY_MS ? 60 : 120;
    predictor.setHistory(history(DAY_MS, NINE_TODAY_MS, perMinute));
    observeUntil(predictor, NINE_TODAY_MS - MINUTE_MS, 5, 1);

    expect(predictor.forecast(1)).toBeCloseTo(1, 9);
    expect(predictor.forecast(7)).toBeCloseTo((1 + 6 * 2) / 7, 9);
  });

  it('does not forecast times its history does not cover', () => {
    const predictor = daily();
    // History of yesterday 08:00 to 09:00 only.
    predictor.setHistory(history(NINE_TODAY_MS - DAY_MS - HOUR_MS, NINE_TODAY_MS - DAY_MS, () => 60));
    observeUntil(predictor, NINE_TODAY_MS - 10 * MINUTE_MS, 5, 1);

    expect(predictor.forecast(6)).toBeCloseTo(1, 9);
    expect(predictor.forecast(61)).toBeUndefined();
    expect(daily().forecast(1)).toBeUndefined();
  });

  it('counts minutes missing inside the history as minutes without requests', () => {
    const predictor = daily();
    // Yesterday 1 rps, but nothing in the rollups from 08:55 to 09:05.
    const quietGap = (minute: number): number => {
      const clock = minute % DAY_MS;
      return clock >= 9 * HOUR_MS - 5 * MINUTE_MS && clock < 9 * HOUR_MS + 5 * MINUTE_MS ? 0 : 60;
    };
    predictor.setHistory(history(7 * DAY_MS, NINE_TODAY_MS - DAY_MS + HOUR_MS, quietGap));
    observeUntil(predictor, NINE_TODAY_MS - 10 * MINUTE_MS, 5, 1);

    expect(predictor.forecast(1)).toBeCloseTo(1, 9);
    expect(predictor.forecast(60)).toBe(0);
  });

  it('applies the profile unscaled while today and the profile are both quiet', () => {
    const predictor = daily();
    // Nothing before nine, 5 rps from nine: the morning start comes from zero.
    predictor.setHistory(
      history(DAY_MS, NINE_TODAY_MS - DAY_MS + HOUR_MS, (minute) => (morningRise(minute) > 120 ? 300 : 0)),
    );
    observeUntil(predictor, NINE_TODAY_MS - MINUTE_MS, 5, 0);

    expect(predictor.forecast(1)).toBe(0);
    expect(predictor.forecast(7)).toBeCloseTo(5, 9);
  });

  it('gives no forecast when busy where the history knows no traffic', () => {
    const predictor = daily();
    predictor.setHistory(
      history(DAY_MS, NINE_TODAY_MS - DAY_MS + HOUR_MS, (minute) => (morningRise(minute) > 120 ? 300 : 0)),
    );
    observeUntil(predictor, NINE_TODAY_MS - MINUTE_MS, 5, 4);

    expect(predictor.forecast(7)).toBeUndefined();
  });

  it('reads a weekly profile from the same time a week earlier', () => {
    const weekly = new SeasonalPredictor({
      name: 'seasonal-weekly',
      periodMs: 7 * DAY_MS,
      seasons: 1,
      stepMs: STEP_MS,
      levelSteps: 30,
    });
    // A week ago 1 rps at this time; every later day 10 rps.
    weekly.setHistory(history(DAY_MS, NINE_TODAY_MS, (minute) => (minute < 2 * DAY_MS ? 60 : 600)));
    observeUntil(weekly, NINE_TODAY_MS, 5, 2);

    expect(weekly.forecast(1)).toBeCloseTo(2, 9);
    const daily7 = daily();
    daily7.setHistory(history(DAY_MS, NINE_TODAY_MS, (minute) => (minute < 2 * DAY_MS ? 60 : 600)));
    observeUntil(daily7, NINE_TODAY_MS, 5, 2);
    expect(daily7.forecast(1)).toBeCloseTo(2, 9);
    expect(weekly.name).toBe('seasonal-weekly');
  });
});
