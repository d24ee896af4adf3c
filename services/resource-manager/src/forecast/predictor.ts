/**
 * One way of predicting a model's arrival rate, fed the measured rate of every forecast step.
 * The demand forecaster runs several side by side and keeps the one with the lowest error.
 */
export interface Predictor {
  /** Names the predictor in errors, logs and the `predictor` metric label. */
  readonly name: string;
  /** Takes the arrivals per second measured over the step ending at `stepEndMs` (Unix ms). */
  observe(ratePerSecond: number, stepEndMs: number): void;
  /**
   * Arrivals per second expected over the step `steps` steps after the last observed one, or
   * undefined when this predictor has nothing to go on for that step.
   */
  forecast(steps: number): number | undefined;
}
