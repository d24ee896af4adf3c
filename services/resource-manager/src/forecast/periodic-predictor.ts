import { mean } from 'simple-statistics';
import type { Predictor } from './predictor.js';

// An hour of 10 s steps: a period of up to half an hour (cron jobs every 5, 10 or 15 minutes,
// retry loops, batch clients) is seen at least twice, while memory stays 360 numbers per model
// and a detection about 65 000 multiply-adds (lags up to half the buffer, each over the buffer).
const CAPACITY_STEPS = 360;
// Below three steps a "period" is the step-to-step noise of a level or a burst lasting two steps.
const MIN_PERIOD_STEPS = 3;
// Beyond two periods, so the autocorrelation at the longest lag still averages a few products.
const SPARE_STEPS = 4;
// The autocorrelation a period needs. A trace of real traffic shows 0.3 at its period of ~290 s;
// white noise over the full buffer stays below 0.25 at every lag (standard error 1/√360 ≈ 0.05).
const MIN_AUTOCORRELATION = 0.25;
// Over fewer steps the autocorrelation of white noise is wider (standard error about 1/√n,
// Bartlett), and tens of lags are tried at once, so a period also needs three standard errors:
// 0.25 takes 144 steps.
const STANDARD_ERRORS = 3;
// A minute at 10 s steps: a period does not move faster, and detection costs a full pass.
const DETECT_EVERY_STEPS = 6;
// Three past periods average out one period's noise; older ones mostly repeat the same bursts.
const MAX_PERIODS = 3;
const JITTER_STEPS = 1;

/**
 * Forecasts demand that recurs within the hour. Keeps the newest 360 step rates; every 6 steps
 * it takes as its period the lag (3 steps up to half the buffer, with 4 steps to spare after two
 * periods) where the sample autocorrelation peaks highest, if it is at least 0.25 there (more
 * over fewer than 144 steps). The step `h` ahead is then forecast as the mean, over up to 3
 * periods back, of the largest rate within a step of the same phase. Without a period it gives
 * no forecast, so it does not compete.
 */
export function createPeriodicPredictor(): Predictor {
  const ring = new Float64Array(CAPACITY_STEPS);
  let observed = 0;
  let periodSteps: number | undefined;

  /** The `index`-th rate held, oldest first. */
  const at = (index: number): number => {
    const held = Math.min(observed, CAPACITY_STEPS);
    return ring[(observed - held + index) % CAPACITY_STEPS]!;
  };

  return {
    name: 'periodic',
    observe(ratePerSecond) {
      ring[observed % CAPACITY_STEPS] = ratePerSecond;
      observed += 1;
      if (observed % DETECT_EVERY_STEPS === 0) {
        const held = Math.min(observed, CAPACITY_STEPS);
        periodSteps = detectPeriod(Array.from({ length: held }, (_, index) => at(index)));
      }
    },
    forecast(steps) {
      if (periodSteps === undefined) return undefined;
      const newest = Math.min(observed, CAPACITY_STEPS) - 1;
      let total = 0;
      let periods = 0;
      for (let back = 1; periods < MAX_PERIODS; back += 1) {
        const phase = newest + steps - back * periodSteps;
        if (phase > newest) continue;
        if (phase < 0) break;
        // The largest rate within a step of the phase: a period jitters, and for capacity a burst
        // foreseen a step early costs a step of idle replicas, one foreseen a step late a missed
        // queue-wait SLO, as the replicas are still loading when it arrives.
        let largest = at(phase);
        for (let index = phase - JITTER_STEPS; index <= phase + JITTER_STEPS; index += 1) {
          if (index >= 0 && index <= newest) largest = Math.max(largest, at(index));
        }
        total += largest;
        periods += 1;
      }
      return periods === 0 ? undefined : Math.max(0, total / periods);
    },
  };
}

/**
 * The lag, in steps, at which `rates` (oldest first) best repeats itself, or undefined when none
 * is clear. A lag is scored by the autocorrelation averaged over it and its two neighbours, as
 * the forecast reads a step either side: on bursts every 29 steps with a step of jitter, the
 * single best lag is often 28 or 30 by chance, and an error of a step grows by a step with every
 * period back (over 5 seeded series of 600 steps of that kind, 76 of 85 bursts are forecast
 * above 20 rps 3 steps ahead, 63 with the single best lag). Only a peak counts: a trend or a change of level correlates a series with itself at
 * every short lag, most at the shortest, but has no period.
 */
function detectPeriod(rates: number[]): number | undefined {
  const longest = Math.floor((rates.length - SPARE_STEPS) / 2);
  if (longest < MIN_PERIOD_STEPS) return undefined;
  const correlations = autocorrelations(rates, longest + 2);
  if (correlations === undefined) return undefined;
  const score = (lag: number): number =>
    (correlations[lag - 1]! + correlations[lag]! + correlations[lag + 1]!) / 3;
  const threshold = Math.max(MIN_AUTOCORRELATION, STANDARD_ERRORS / Math.sqrt(rates.length));
  let best: number | undefined;
  for (let lag = MIN_PERIOD_STEPS; lag <= longest; lag += 1) {
    const isPeak = score(lag) >= score(lag - 1) && score(lag) >= score(lag + 1);
    if (isPeak && correlations[lag]! >= threshold && (best === undefined || score(lag) > score(best))) {
      best = lag;
    }
  }
  return best;
}

/**
 * The sample autocorrelation of `rates` at lags 0..maxLag, by the standard estimator: products
 * about the overall mean over the overall sum of squares. It shrinks a lag's correlation by the
 * share of the series the lag leaves out, so a multiple of the period seldom outranks it. Undefined for a
 * constant series.
 */
function autocorrelations(rates: number[], maxLag: number): number[] | undefined {
  const average = mean(rates);
  const deviations = rates.map((rate) => rate - average);
  let sumOfSquares = 0;
  for (const deviation of deviations) sumOfSquares += deviation * deviation;
  if (!(sumOfSquares > 0)) return undefined;
  const correlations: number[] = [];
  for (let lag = 0; lag <= maxLag; lag += 1) {
    let sum = 0;
    for (let index = lag; index < deviations.length; index += 1) {
      sum += deviations[index]! * deviations[index - lag]!;
    }
    correlations.push(sum / sumOfSquares);
  }
  return correlations;
}
