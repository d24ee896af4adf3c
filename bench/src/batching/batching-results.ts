import type { OnnxStrategy, Scenario, StepwiseStrategy, Strategy } from './batching-strategies.js';
import type { ProbePoint } from './run-probe.js';
import type { RateSearchResult } from './search-max-rate.js';

/** A strategy's figures at the highest arrival rate whose P99 stayed within the SLO. */
export interface StrategyFigures {
  /** Answers per second at that rate; 0 when no rate passed. */
  readonly throughput_rps: number;
  /** P99 latency at that rate, ms; at the lowest rate probed when none passed (null: >1% failed there too). */
  readonly p99_ms: number | null;
  /** The arrival rate offered, per second. */
  readonly offered_rps: number;
  readonly mean_batch_size: number;
  /** False when even the highest rate probed passed, so the limit lies above it (or none passed). */
  readonly bracketed: boolean;
}

/** One probe, as results.json and the chart keep it. */
export interface MeasuredPoint {
  readonly strategy: Strategy;
  readonly offered_rps: number;
  readonly throughput_rps: number;
  /** null when more than 1% of the requests failed (an unbounded P99). */
  readonly p99_ms: number | null;
  readonly p50_ms: number | null;
  readonly requests: number;
  readonly failed: number;
  readonly within_slo: boolean;
  readonly mean_batch_size: number;
  readonly mean_execute_ms: number;
  /** Cores other programs kept busy during the probe; null without /proc. */
  readonly other_load_cores: number | null;
}

/** A target of the issue and whether the run met it. */
export interface TargetVerdict {
  readonly name: string;
  /** The ratio the run reached; null when a side has no passing rate. */
  readonly ratio: number | null;
  readonly atLeast: number;
  readonly met: boolean;
}

/** results.json: the shape (`onnx`, `stepwise`, `slo_ms`) plus ratios, targets, every probe and the setup. */
export interface BatchingResults {
  readonly onnx: Partial<Record<OnnxStrategy, StrategyFigures>>;
  readonly stepwise: Partial<Record<StepwiseStrategy, StrategyFigures>>;
  /** Each scenario's P99 SLO, ms (simulated for the step-wise LLM); null for a scenario not run. */
  readonly slo_ms: Readonly<Record<Scenario, number | null>>;
  readonly targets: readonly TargetVerdict[];
  readonly points: Readonly<Record<Scenario, readonly MeasuredPoint[]>>;
  readonly run: Readonly<Record<string, unknown>>;
}

/** The targets: ONNX dynamic ≥ 3× batch-1, continuous ≥ 2× dynamic on the step-wise runtime. */
const TARGETS = [
  {
    name: 'onnx dynamic / batch-1',
    scenario: 'onnx',
    numerator: 'dynamic',
    denominator: 'batch-1',
    atLeast: 3,
  },
  {
    name: 'stepwise continuous / dynamic',
    scenario: 'stepwise',
    numerator: 'continuous',
    denominator: 'dynamic',
    atLeast: 2,
  },
] as const;

const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);

/** A probe as results.json keeps it. */
export function toMeasuredPoint(strategy: Strategy, point: ProbePoint): MeasuredPoint {
  return {
    strategy,
    offered_rps: point.offeredRps,
    throughput_rps: point.throughputRps,
    p99_ms: finiteOrNull(point.p99Ms),
    p50_ms: finiteOrNull(point.p50Ms),
    requests: point.measured,
    failed: point.failed,
    within_slo: point.withinSlo,
    mean_batch_size: point.meanBatchSize,
    mean_execute_ms: point.meanExecuteMs,
    other_load_cores: point.otherLoadCores ?? null,
  };
}

/** A strategy's figures from its rate search: its best passing probe, or zero throughput when none passed. */
export function toStrategyFigures(search: RateSearchResult<ProbePoint>): StrategyFigures {
  const { best } = search;
  if (best === undefined) {
    const lowest = search.points.reduce<ProbePoint | undefined>(
      (low, point) => (low === undefined || point.offeredRps < low.offeredRps ? point : low),
      undefined,
    );
    return {
      throughput_rps: 0,
      p99_ms: lowest === undefined ? null : finiteOrNull(lowest.p99Ms),
      offered_rps: 0,
      mean_batch_size: 0,
      bracketed: false,
    };
  }
  return {
    throughput_rps: best.throughputRps,
    p99_ms: best.p99Ms,
    offered_rps: best.offeredRps,
    mean_batch_size: best.meanBatchSize,
    bracketed: search.bracketed,
  };
}

/**
 * Judges the targets on the measured figures: each ratio of throughputs within the same
 * SLO. A target whose strategies were not both run is left out; one where the denominator
 * reached no rate at all is not met.
 */
export function judgeTargets(
  figures: Readonly<Record<Scenario, Partial<Record<Strategy, StrategyFigures>>>>,
): TargetVerdict[] {
  return TARGETS.flatMap((target) => {
    const numerator = figures[target.scenario][target.numerator];
    const denominator = figures[target.scenario][target.denominator];
    if (numerator === undefined || denominator === undefined) return [];
    const ratio =
      denominator.throughput_rps > 0 ? numerator.throughput_rps / denominator.throughput_rps : null;
    return [
      { name: target.name, ratio, atLeast: target.atLeast, met: ratio !== null && ratio >= target.atLeast },
    ];
  });
}
