import type { Predictor } from './predictor.js';

/** Per-minute request counts of one model from the monitor's rollups, by minute start (Unix ms). */
export type MinuteCounts = ReadonlyMap<number, number>;

/** How a seasonal predictor reads its profile. */
export interface SeasonalOptions {
  readonly name: string;
  /** The season: a day or a week, ms. */
  readonly periodMs: number;
  /** How many past seasons the profile averages (those the history covers). */
  readonly seasons: number;
  readonly stepMs: number;
  /** Recent steps whose measured rate sets the scale of the profile. */
  readonly levelSteps: number;
}

const MINUTE_MS = 60_000;

interface Span {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The rate of the same time of day (or week) in past seasons, averaged over the seasons the
 * history covers, scaled by how today's recent steps compare with the profile at the same
 * times (today runs 20 % above the usual day → so does the forecast). Minutes missing inside the
 * history's span count as zero requests (rollups only hold minutes with traffic); times outside
 * it are unknown, and a step none of whose seasons are covered gets no forecast, so the
 * predictor does not compete there.
 */
export class SeasonalPredictor implements Predictor {
  readonly name: string;
  readonly #options: SeasonalOptions;
  #history: MinuteCounts = new Map();
  #span: Span | undefined;
  /** The newest `levelSteps` observations, oldest first. */
  readonly #recent: { stepEndMs: number; ratePerSecond: number }[] = [];
  /** Measured ÷ profiled rate over the recent steps; undefined when it cannot be told. */
  #scale: number | undefined;

  constructor(options: SeasonalOptions) {
    this.name = options.name;
    this.#options = options;
  }

  /** Replaces the history the profile is read from. */
  setHistory(history: MinuteCounts): void {
    this.#history = history;
    this.#span = spanOf(history);
    this.#scale = this.#measureScale();
  }

  observe(ratePerSecond: number, stepEndMs: number): void {
    this.#recent.push({ stepEndMs, ratePerSecond });
    if (this.#recent.length > this.#options.levelSteps) this.#recent.shift();
    this.#scale = this.#measureScale();
  }

  forecast(steps: number): number | undefined {
    const last = this.#recent.at(-1);
    if (last === undefined || this.#scale === undefined) return undefined;
    const endMs = last.stepEndMs + steps * this.#options.stepMs;
    const profile = this.#profile(endMs - this.#options.stepMs, endMs);
    return profile === undefined ? undefined : profile * this.#scale;
  }

  #measureScale(): number | undefined {
    let measured = 0;
    let profiled = 0;
    let covered = false;
    for (const { stepEndMs, ratePerSecond } of this.#recent) {
      const profile = this.#profile(stepEndMs - this.#options.stepMs, stepEndMs);
      if (profile === undefined) continue;
      covered = true;
      measured += ratePerSecond;
      profiled += profile;
    }
    if (!covered) return undefined;
    if (profiled > 0) return measured / profiled;
    // Quiet now and usually quiet now: the profile applies as it is (it may know a morning rise).
    // Busy where the profile knows no traffic: no scale can be told.
    return measured === 0 ? 1 : undefined;
  }

  /** The mean rate over [startMs, endMs) in the covered past seasons, requests per second. */
  #profile(startMs: number, endMs: number): number | undefined {
    const span = this.#span;
    if (span === undefined) return undefined;
    let total = 0;
    let seasonsCovered = 0;
    for (let season = 1; season <= this.#options.seasons; season += 1) {
      const shiftMs = season * this.#options.periodMs;
      if (startMs - shiftMs < span.startMs || endMs - shiftMs > span.endMs) continue;
      total += this.#meanRate(startMs - shiftMs, endMs - shiftMs);
      seasonsCovered += 1;
    }
    return seasonsCovered === 0 ? undefined : total / seasonsCovered;
  }

  /**
   * The mean rate of the minutes overlapping [startMs, endMs). Only those: averaging in
   * neighbouring minutes would smear a daily rise into the minutes before it, and the forecasts
   * made there would be scored wrong just before the rise they foresee.
   */
  #meanRate(startMs: number, endMs: number): number {
    let requests = 0;
    let minutes = 0;
    for (let minute = minuteOf(startMs); minute < endMs; minute += MINUTE_MS) {
      requests += this.#history.get(minute) ?? 0;
      minutes += 1;
    }
    return requests / (minutes * 60);
  }
}

function minuteOf(timeMs: number): number {
  return Math.floor(timeMs / MINUTE_MS) * MINUTE_MS;
}

function spanOf(history: MinuteCounts): Span | undefined {
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const minute of history.keys()) {
    startMs = Math.min(startMs, minuteOf(minute));
    endMs = Math.max(endMs, minuteOf(minute) + MINUTE_MS);
  }
  return startMs === Infinity ? undefined : { startMs, endMs };
}
