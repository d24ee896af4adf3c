import { mean } from 'simple-statistics';

/**
 * One predictor's record: the forecasts it made that have not come due yet, and the absolute
 * errors of the newest ones that have. Both are bounded: pending forecasts by the horizon (one
 * per step, dropped once their step has passed), errors by `windowSize`.
 */
export class HorizonScore {
  readonly #pending: { targetEndMs: number; ratePerSecond: number }[] = [];
  readonly #errors: number[] = [];

  constructor(private readonly windowSize: number) {}

  /** Keeps a forecast of the step ending at `targetEndMs` to be scored when it is measured. */
  expect(targetEndMs: number, ratePerSecond: number): void {
    this.#pending.push({ targetEndMs, ratePerSecond });
  }

  /**
   * Scores the forecasts of the step ending at `stepEndMs` (within `toleranceMs`, as step ends
   * drift by a timer tick) against what arrived, and drops those whose step has passed.
   */
  settle(measuredPerSecond: number, stepEndMs: number, toleranceMs: number): void {
    let kept = 0;
    for (const forecast of this.#pending) {
      if (forecast.targetEndMs > stepEndMs + toleranceMs) {
        this.#pending[kept++] = forecast;
      } else if (forecast.targetEndMs >= stepEndMs - toleranceMs) {
        this.#errors.push(Math.abs(forecast.ratePerSecond - measuredPerSecond));
        if (this.#errors.length > this.windowSize) this.#errors.shift();
      }
    }
    this.#pending.length = kept;
  }

  /** Forgets the forecasts not yet due (they were made for another horizon). */
  dropPending(): void {
    this.#pending.length = 0;
  }

  /** Errors scored in the window. */
  samples(): number {
    return this.#errors.length;
  }

  /** Mean absolute error in the window, arrivals per second (0 before any is scored). */
  meanAbsoluteError(): number {
    return this.#errors.length === 0 ? 0 : mean(this.#errors);
  }
}
