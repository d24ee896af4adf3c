import type { DemandHistory } from './demand-history.js';
import { createDemandForecaster } from './forecast/demand-forecaster.js';
import type { DemandForecaster, PredictorError } from './forecast/demand-forecaster.js';

/** What the tracker knows of one model's demand right now. */
export interface ModelDemandView {
  /** Arrivals per second over the last completed step (0 before the first). */
  readonly demandPerSecond: number;
  /** Arrivals per second expected at the horizon. */
  readonly forecastPerSecond: number;
  readonly forecaster: PredictorError;
}

/**
 * Turns arrival counts into per-step rates and keeps one forecaster per registered model. Rates
 * are per step (RM_FORECAST_STEP), so one quiet second does not read as a collapse of demand; the
 * queue-wait floor reacts within the step. Models that leave the registry are forgotten.
 */
export class DemandTracker {
  readonly #forecasters = new Map<string, DemandForecaster>();
  readonly #lastRate = new Map<string, number>();
  readonly #stepCounts = new Map<string, number>();
  #history: DemandHistory = new Map();
  #stepEndMs: number;

  constructor(
    private readonly stepMs: number,
    startMs: number,
  ) {
    this.#stepEndMs = startMs + stepMs;
  }

  /** Adds arrivals counted since the previous call. */
  add(counts: ReadonlyMap<string, number>): void {
    for (const [model, count] of counts)
      this.#stepCounts.set(model, (this.#stepCounts.get(model) ?? 0) + count);
  }

  /**
   * Closes every step that ended by `nowMs`, feeding each model's forecaster its rate (0 for steps
   * without arrivals). Returns whether a step closed.
   */
  advance(nowMs: number, models: readonly string[]): boolean {
    let closed = false;
    while (nowMs >= this.#stepEndMs) {
      for (const model of models) {
        const rate = (this.#stepCounts.get(model) ?? 0) / (this.stepMs / 1_000);
        this.#forecasterOf(model).observe(rate, this.#stepEndMs);
        this.#lastRate.set(model, rate);
      }
      this.#stepCounts.clear();
      this.#stepEndMs += this.stepMs;
      closed = true;
    }
    return closed;
  }

  /** Demand and forecast of `model`, `horizonMs` ahead of the last closed step. */
  view(model: string, horizonMs: number): ModelDemandView {
    const forecaster = this.#forecasterOf(model);
    const steps = Math.max(1, Math.ceil(horizonMs / this.stepMs));
    forecaster.setHorizon(steps);
    return {
      demandPerSecond: this.#lastRate.get(model) ?? 0,
      forecastPerSecond: Math.max(0, forecaster.forecast(steps)),
      forecaster: forecaster.chosen(),
    };
  }

  /** Every predictor's measured error for `model`, for the metrics. */
  errors(model: string): PredictorError[] {
    return this.#forecasters.get(model)?.errors() ?? [];
  }

  /** Replaces the per-minute history the seasonal predictors use. */
  setHistory(history: DemandHistory): void {
    this.#history = history;
    for (const [model, forecaster] of this.#forecasters)
      forecaster.setHistory(history.get(model) ?? new Map());
  }

  /** Forgets models no longer registered. */
  retain(models: ReadonlySet<string>): void {
    for (const model of [...this.#forecasters.keys()]) {
      if (models.has(model)) continue;
      this.#forecasters.delete(model);
      this.#lastRate.delete(model);
    }
    for (const model of [...this.#stepCounts.keys()]) if (!models.has(model)) this.#stepCounts.delete(model);
  }

  #forecasterOf(model: string): DemandForecaster {
    let forecaster = this.#forecasters.get(model);
    if (forecaster === undefined) {
      forecaster = createDemandForecaster({
        stepMs: this.stepMs,
        horizonSteps: 1,
        history: this.#history.get(model) ?? new Map(),
      });
      this.#forecasters.set(model, forecaster);
    }
    return forecaster;
  }
}
