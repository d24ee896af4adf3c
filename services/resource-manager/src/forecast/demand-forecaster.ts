import { createDampedHoltPredictor } from './damped-holt-predictor.js';
import { HorizonScore } from './horizon-score.js';
import { createNaivePredictor } from './naive-predictor.js';
import { createPeriodicPredictor } from './periodic-predictor.js';
import type { Predictor } from './predictor.js';
import { SeasonalPredictor } from './seasonal-predictor.js';
import type { MinuteCounts } from './seasonal-predictor.js';

export type { MinuteCounts } from './seasonal-predictor.js';

/** How a demand forecaster steps and scores. */
export interface ForecasterOptions {
  /** Length of one forecast step, ms; every observation covers one step. */
  stepMs: number;
  /** Steps ahead at which predictors are scored and chosen (the warm-up horizon), at least 1. */
  horizonSteps: number;
  /** Per-minute counts of the model for the seasonal predictors. @default none */
  history?: MinuteCounts;
  /** Newest scored forecasts each predictor's error is averaged over. @default 60 */
  errorWindowSteps?: number;
  /** Scored forecasts a predictor needs before it may replace the naive baseline. @default 6 */
  warmupSamples?: number;
  /** Recent time whose measured rate scales the seasonal profiles, ms. @default 900_000 */
  levelWindowMs?: number;
}

/** A predictor's measured error at the horizon. */
export interface PredictorError {
  name: string;
  /** Mean absolute error over the error window, arrivals per second (0 with no samples). */
  meanAbsoluteError: number;
  samples: number;
}

/** Forecasts one model's arrival rate with the predictor that has lately erred least. */
export interface DemandForecaster {
  /** The arrivals per second measured over the step ending at stepEndMs. */
  observe(ratePerSecond: number, stepEndMs: number): void;
  /** Arrivals per second expected `steps` steps after the last observed one (>= 0). */
  forecast(steps: number): number;
  /** Changes the horizon errors are measured at (the warm-up horizon moves with measured load times). */
  setHorizon(steps: number): void;
  /** Replaces the seasonal history (re-read from the rollups now and then). */
  setHistory(history: MinuteCounts): void;
  /** The predictor in use: the one with the lowest measured error at the horizon. */
  chosen(): PredictorError;
  errors(): PredictorError[];
}

const DEFAULT_ERROR_WINDOW_STEPS = 60;
const DEFAULT_WARMUP_SAMPLES = 6;
const DEFAULT_LEVEL_WINDOW_MS = 15 * 60_000;
const DAY_MS = 24 * 60 * 60_000;
/** The rollups keep eight days: seven past days for the daily profile, one past week for the weekly. */
const DAILY_SEASONS = 7;
const WEEKLY_SEASONS = 1;

interface Entry {
  readonly predictor: Predictor;
  readonly score: HorizonScore;
}

/**
 * Creates a forecaster that runs a naive baseline (the last step again), a damped Holt level and
 * trend, a period found within the last hour, and daily and weekly seasonal profiles from the
 * history side by side. After every step, each forecasts the step `horizonSteps` ahead; when
 * that step is measured the absolute error is scored. The predictor with the lowest mean absolute error over the error window is chosen;
 * until the baseline has `warmupSamples` scores it is the baseline, and the others compete once
 * they have as many (a seasonal one only for steps its history covers, the periodic one only
 * while it has a period). Ties go to the simpler. Memory per forecaster: the error window, the
 * horizon's pending forecasts, the level window and the periodic predictor's 360 steps.
 * @throws RangeError when stepMs is not a positive number.
 */
export function createDemandForecaster(options: ForecasterOptions): DemandForecaster {
  const { stepMs } = options;
  if (!(stepMs > 0) || !Number.isFinite(stepMs))
    throw new RangeError(`stepMs must be positive, got ${stepMs}`);
  const windowSize = options.errorWindowSteps ?? DEFAULT_ERROR_WINDOW_STEPS;
  const warmupSamples = options.warmupSamples ?? DEFAULT_WARMUP_SAMPLES;
  const levelSteps = Math.max(1, Math.ceil((options.levelWindowMs ?? DEFAULT_LEVEL_WINDOW_MS) / stepMs));
  const seasonal = [
    new SeasonalPredictor({
      name: 'seasonal-weekly',
      periodMs: 7 * DAY_MS,
      seasons: WEEKLY_SEASONS,
      stepMs,
      levelSteps,
    }),
    new SeasonalPredictor({
      name: 'seasonal-daily',
      periodMs: DAY_MS,
      seasons: DAILY_SEASONS,
      stepMs,
      levelSteps,
    }),
  ];
  // In order of simplicity, which breaks ties: the baseline first.
  const entries: Entry[] = [
    createNaivePredictor(),
    createDampedHoltPredictor(),
    createPeriodicPredictor(),
    ...seasonal,
  ].map((predictor) => ({
    predictor,
    score: new HorizonScore(windowSize),
  }));
  const baseline = entries[0]!;
  let horizonSteps = toSteps(options.horizonSteps);
  let lastStepEndMs: number | undefined;
  if (options.history !== undefined) for (const predictor of seasonal) predictor.setHistory(options.history);

  const toError = ({ predictor, score }: Entry): PredictorError => ({
    name: predictor.name,
    meanAbsoluteError: score.meanAbsoluteError(),
    samples: score.samples(),
  });

  /**
   * Predictors that compete, best first: those with `warmupSamples` scores that can forecast the
   * horizon. None during warm-up, when the baseline stands in.
   */
  const ranking = (): Entry[] => {
    const competing = entries.filter(
      (entry) =>
        entry.score.samples() >= warmupSamples && entry.predictor.forecast(horizonSteps) !== undefined,
    );
    // Array.prototype.sort is stable, so equal errors keep the order of simplicity.
    return competing.sort((a, b) => a.score.meanAbsoluteError() - b.score.meanAbsoluteError());
  };

  return {
    observe(ratePerSecond, stepEndMs) {
      if (!(ratePerSecond >= 0) || !Number.isFinite(ratePerSecond)) {
        throw new RangeError(`ratePerSecond must be a finite number >= 0, got ${ratePerSecond}`);
      }
      // A step already seen (a repeated or late tick) would count twice.
      if (lastStepEndMs !== undefined && stepEndMs <= lastStepEndMs) return;
      lastStepEndMs = stepEndMs;
      for (const { predictor, score } of entries) {
        score.settle(ratePerSecond, stepEndMs, stepMs / 2);
        predictor.observe(ratePerSecond, stepEndMs);
        const forecast = predictor.forecast(horizonSteps);
        if (forecast !== undefined) score.expect(stepEndMs + horizonSteps * stepMs, forecast);
      }
    },
    forecast(steps) {
      const ahead = toSteps(steps);
      for (const { predictor } of [...ranking(), baseline]) {
        const forecast = predictor.forecast(ahead);
        if (forecast !== undefined) return Math.max(0, forecast);
      }
      return 0;
    },
    setHorizon(steps) {
      const next = toSteps(steps);
      if (next === horizonSteps) return;
      horizonSteps = next;
      for (const { score } of entries) score.dropPending();
    },
    setHistory(history) {
      for (const predictor of seasonal) predictor.setHistory(history);
    },
    chosen() {
      return toError(ranking()[0] ?? baseline);
    },
    errors() {
      return entries.map(toError);
    },
  };
}

function toSteps(steps: number): number {
  return Number.isFinite(steps) ? Math.max(1, Math.ceil(steps)) : 1;
}
