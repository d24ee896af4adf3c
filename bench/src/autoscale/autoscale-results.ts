/** The policies of one run, in the order they run and are reported. */
export const AUTOSCALE_POLICIES = ['predictive', 'reactive', 'static-peak'] as const;
export type AutoscalePolicy = (typeof AUTOSCALE_POLICIES)[number];

/** One model's share of a policy's run. */
export interface ModelSummary {
  readonly requests: number;
  readonly slo_miss_rate: number;
  readonly replica_seconds: number;
  readonly cold_starts: number;
  /** Replicas the registry told the manager to keep (ScalingSpec.min_replicas). */
  readonly min_replicas: number;
}

/**
 * One policy's figures over the measured window. Times are trace time: latencies ×speedup,
 * replica-seconds ×speedup (wall-clock replica-seconds would shrink with the compression).
 */
export interface PolicySummary {
  /** Requests not answered OK within the SLO (errors included), over the window's requests. */
  readonly slo_miss_rate: number;
  /** Replicas held (loading or loaded) integrated over the window, from worker heartbeats. */
  readonly replica_seconds: number;
  /** Replicas that appeared on a worker during the window. */
  readonly cold_starts: number;
  /** 99th percentile latency of the answered requests, trace ms. */
  readonly p99_ms: number;
  readonly requests: number;
  readonly errors: number;
  /** The errors by gRPC status name, e.g. `{"DEADLINE_EXCEEDED": 12}`. */
  readonly errors_by_status: Readonly<Record<string, number>>;
  readonly p50_ms: number;
  readonly mean_replicas: number;
  readonly peak_replicas: number;
  /** Mean measured load time of those cold starts, trace ms; null without any. */
  readonly mean_cold_start_ms: number | null;
  /** The manager's forecasts against what arrived; null when it reported none in the window. */
  readonly forecast: {
    readonly mean_absolute_error_per_second: number;
    readonly naive_mean_absolute_error_per_second: number;
    readonly mean_arrivals_per_second: number;
    readonly samples: number;
    /** The predictor the manager had chosen per model at the end, with its own measured error (trace rps). */
    readonly chosen: Readonly<
      Record<string, { readonly forecaster: string; readonly error_per_second: number }>
    >;
  } | null;
  readonly models: Readonly<Record<string, ModelSummary>>;
}

/** One of the stated targets and whether this run met it. */
export interface TargetVerdict {
  readonly target: string;
  readonly met: boolean;
  readonly measured: string;
}

/** results.json. */
export interface AutoscaleResults {
  readonly policies: Partial<Record<AutoscalePolicy, PolicySummary>>;
  /** predictive ÷ each other policy, for SLO miss rate and replica-seconds. */
  readonly ratios: Readonly<
    Record<string, { readonly slo_miss_rate: number | null; readonly replica_seconds: number | null }>
  >;
  readonly targets: readonly TargetVerdict[];
  readonly run: Readonly<Record<string, unknown>>;
}

/** `numerator ÷ denominator`, null when the denominator is 0 (a ratio to nothing says nothing). */
export function ratioOf(numerator: number, denominator: number): number | null {
  return denominator === 0 ? (numerator === 0 ? 1 : null) : numerator / denominator;
}

/** The two targets, judged on the run's figures; a target whose policies did not run is left out. */
export function judgeTargets(policies: AutoscaleResults['policies']): TargetVerdict[] {
  const { predictive, reactive } = policies;
  const staticPeak = policies['static-peak'];
  const verdicts: TargetVerdict[] = [];
  const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;
  if (predictive !== undefined && reactive !== undefined) {
    verdicts.push({
      target: 'predictive: fewer SLO misses than reactive at no more replica-seconds',
      met:
        predictive.slo_miss_rate < reactive.slo_miss_rate &&
        predictive.replica_seconds <= reactive.replica_seconds,
      measured:
        `SLO misses ${percent(predictive.slo_miss_rate)} vs ${percent(reactive.slo_miss_rate)}, ` +
        `replica-seconds ${predictive.replica_seconds.toFixed(0)} vs ${reactive.replica_seconds.toFixed(0)}`,
    });
  }
  if (predictive !== undefined && staticPeak !== undefined) {
    verdicts.push({
      target: "predictive: ≤ 0.6× static-peak's replica-seconds at ≤ 1.5× its SLO misses",
      met:
        predictive.replica_seconds <= 0.6 * staticPeak.replica_seconds &&
        predictive.slo_miss_rate <= 1.5 * staticPeak.slo_miss_rate,
      measured:
        `replica-seconds ${predictive.replica_seconds.toFixed(0)} vs ${staticPeak.replica_seconds.toFixed(0)}, ` +
        `SLO misses ${percent(predictive.slo_miss_rate)} vs ${percent(staticPeak.slo_miss_rate)}`,
    });
  }
  return verdicts;
}

/** predictive ÷ reactive and predictive ÷ static-peak. */
export function predictiveRatios(policies: AutoscaleResults['policies']): AutoscaleResults['ratios'] {
  const { predictive } = policies;
  if (predictive === undefined) return {};
  const ratios: Record<string, { slo_miss_rate: number | null; replica_seconds: number | null }> = {};
  for (const other of ['reactive', 'static-peak'] as const) {
    const result = policies[other];
    if (result === undefined) continue;
    ratios[`predictive/${other}`] = {
      slo_miss_rate: ratioOf(predictive.slo_miss_rate, result.slo_miss_rate),
      replica_seconds: ratioOf(predictive.replica_seconds, result.replica_seconds),
    };
  }
  return ratios;
}
