/** What the resource manager of a run is told, besides its policy. */
export interface ManagerSettings {
  /** Wall-clock time runs this many times faster than trace time. */
  readonly speedup: number;
  /** Workers the pool may grow to. */
  readonly maxWorkers: number;
  readonly workerMemoryBytes: number;
  /** Where the workers it starts write their logs. */
  readonly logDirectory: string;
}

/** Replicas are sized for this busy fraction (the manager's default), by the manager and for static-peak alike. */
export const TARGET_UTILISATION = 0.7;

/** The manager's loop cannot usefully run more often than this on a small machine. */
const MIN_INTERVAL_MS = 250;

/**
 * The manager's timings in the compressed run: its defaults (and KEDA's and the HPA's, for
 * `reactive`) are real-time durations, so each is divided by the speedup — a 300 s HPA
 * stabilisation window lasts 30 s of wall clock at 10× — except the loop interval, which stays at
 * least 250 ms (it costs CPU every turn) and the forecast step, at least two intervals.
 */
export function managerTimings(speedup: number) {
  const scaled = (realMs: number) => Math.max(1, Math.round(realMs / speedup));
  const intervalMs = Math.max(MIN_INTERVAL_MS, scaled(1_000));
  return {
    intervalMs,
    forecastStepMs: Math.max(2 * intervalMs, scaled(10_000)),
    scaleDownDelayMs: scaled(300_000),
    idleUnloadMs: scaled(600_000),
    reactivePollMs: Math.max(intervalMs, scaled(15_000)),
    reactiveStabilisationMs: scaled(300_000),
  };
}

/** The resource manager's scaling policies (RM_POLICY). */
export type ManagerPolicy = 'predictive' | 'reactive' | 'static';

/** The resource manager's environment for a compressed run: its policy, the local driver, the pool and scaled timings. */
export function managerEnvironment(policy: ManagerPolicy, settings: ManagerSettings): Record<string, string> {
  const timings = managerTimings(settings.speedup);
  const ms = (value: number) => `${value}ms`;
  return {
    RM_POLICY: policy,
    RM_DRIVER: 'local',
    RM_INTERVAL: ms(timings.intervalMs),
    RM_FORECAST_STEP: ms(timings.forecastStepMs),
    RM_TARGET_UTILISATION: String(TARGET_UTILISATION),
    RM_SCALE_DOWN_DELAY: ms(timings.scaleDownDelayMs),
    RM_IDLE_UNLOAD: ms(timings.idleUnloadMs),
    RM_MIN_WORKERS: '1',
    RM_MAX_WORKERS: String(settings.maxWorkers),
    RM_WORKER_MEMORY_BYTES: String(settings.workerMemoryBytes),
    // KEDA's JetStream scaler default: one replica per 10 pending jobs. A count, so not scaled.
    RM_REACTIVE_LAG_THRESHOLD: '10',
    RM_REACTIVE_POLL: ms(timings.reactivePollMs),
    RM_REACTIVE_STABILISATION: ms(timings.reactiveStabilisationMs),
    RM_LOCAL_LOG_DIR: settings.logDirectory,
  };
}
