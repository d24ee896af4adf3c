import type { PlanSample } from './poll-placement.js';
import type { ScheduledRequest } from './plan-autoscale-run.js';

/** How well the manager's forecasts matched what then arrived, in requests per second of trace time. */
export interface ForecastError {
  /** Mean |forecast − arrivals| at the forecast's horizon, over the window's samples and models. */
  readonly meanAbsoluteErrorPerSecond: number;
  /** The same for "the rate stays as measured now" (the naive forecast), for comparison. */
  readonly naiveMeanAbsoluteErrorPerSecond: number;
  /** Mean arrivals per second at those horizons: the scale the errors are read against. */
  readonly meanArrivalsPerSecond: number;
  readonly samples: number;
}

/** Where the run's clocks meet: the measured window in wall-clock unix ms, and the compression. */
export interface WindowClock {
  readonly startUnixMs: number;
  readonly endUnixMs: number;
  readonly speedup: number;
}

/**
 * Compares each forecast the manager reported during the window with the arrivals it forecast: a
 * forecast read at t is for the forecast step ending at its horizon, t + the model's load time + one
 * interval (the manager warms replicas that far ahead). Arrivals are the schedule's, so the client's
 * own sending delays do not count against the forecast. Samples whose horizon lies past the window
 * are left out. Null when no sample qualifies.
 */
export function measureForecastError(
  samples: readonly PlanSample[],
  requests: readonly ScheduledRequest[],
  clock: WindowClock,
  manager: { readonly stepMs: number; readonly intervalMs: number; readonly fallbackLoadMs: number },
): ForecastError | null {
  const wallTimes = new Map<string, number[]>();
  for (const request of requests) {
    const times = wallTimes.get(request.model) ?? [];
    times.push(clock.startUnixMs + request.atMs / clock.speedup);
    wallTimes.set(request.model, times);
  }
  let forecastError = 0;
  let naiveError = 0;
  let arrivals = 0;
  let count = 0;
  for (const sample of samples) {
    if (sample.atMs < clock.startUnixMs) continue;
    const horizonUnixMs =
      sample.atMs + (sample.loadMs > 0 ? sample.loadMs : manager.fallbackLoadMs) + manager.intervalMs;
    if (horizonUnixMs > clock.endUnixMs) continue;
    const times = wallTimes.get(sample.model) ?? [];
    const inStep = times.filter((at) => at > horizonUnixMs - manager.stepMs && at <= horizonUnixMs).length;
    const actualPerSecond = (inStep * 1_000) / manager.stepMs;
    forecastError += Math.abs(sample.forecastPerSecond - actualPerSecond);
    naiveError += Math.abs(sample.demandPerSecond - actualPerSecond);
    arrivals += actualPerSecond;
    count += 1;
  }
  if (count === 0) return null;
  // The manager measures wall-clock rates; trace time runs `speedup` times slower.
  const toTrace = count * clock.speedup;
  return {
    meanAbsoluteErrorPerSecond: forecastError / toTrace,
    naiveMeanAbsoluteErrorPerSecond: naiveError / toTrace,
    meanArrivalsPerSecond: arrivals / toTrace,
    samples: count,
  };
}
