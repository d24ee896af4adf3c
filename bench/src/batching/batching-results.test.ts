import { describe, expect, it } from 'vitest';
import { judgeTargets, toStrategyFigures } from './batching-results.js';
import type { StrategyFigures } from './batching-results.js';
import type { ProbePoint } from './run-probe.js';

const figures = (throughput: number): StrategyFigures => ({
  throughput_rps: throughput,
  p99_ms: 40,
  offered_rps: throughput,
  mean_batch_size: 1,
  bracketed: true,
});

const probe = (offeredRps: number, withinSlo: boolean, p99Ms: number): ProbePoint => ({
  offeredRps,
  throughputRps: offeredRps * 0.99,
  p99Ms,
  p50Ms: p99Ms / 2,
  measured: 100,
  failed: 0,
  withinSlo,
  meanBatchSize: 4,
  meanExecuteMs: 10,
  otherLoadCores: 0,
});

describe('judgeTargets', () => {
  it('meets a target when the throughput ratio reaches it, and misses it below', () => {
    const verdicts = judgeTargets({
      onnx: { 'batch-1': figures(100), dynamic: figures(310) },
      stepwise: { dynamic: figures(1), continuous: figures(1.9) },
    });
    expect(verdicts).toEqual([
      { name: 'onnx dynamic / batch-1', ratio: 3.1, atLeast: 3, met: true },
      { name: 'stepwise continuous / dynamic', ratio: 1.9, atLeast: 2, met: false },
    ]);
  });

  it('leaves out a target whose strategies were not both run', () => {
    const verdicts = judgeTargets({
      onnx: { 'batch-1': figures(100), dynamic: figures(400) },
      stepwise: { dynamic: figures(1) },
    });
    expect(verdicts.map((verdict) => verdict.name)).toEqual(['onnx dynamic / batch-1']);
  });

  it('misses a target, with no ratio, when the baseline reached no rate within the SLO', () => {
    const [verdict] = judgeTargets({ onnx: { 'batch-1': figures(0), dynamic: figures(400) }, stepwise: {} });
    expect(verdict).toMatchObject({ ratio: null, met: false });
  });
});

describe('toStrategyFigures', () => {
  it('takes the passing probe of the highest rate', () => {
    const result = toStrategyFigures({
      best: probe(200, true, 45),
      points: [probe(100, true, 20), probe(200, true, 45), probe(400, false, 900)],
      bracketed: true,
    });
    expect(result).toEqual({
      throughput_rps: 198,
      p99_ms: 45,
      offered_rps: 200,
      mean_batch_size: 4,
      bracketed: true,
    });
  });

  it('reports zero throughput and the lowest probe P99 when no rate passed', () => {
    const result = toStrategyFigures({
      best: undefined,
      points: [probe(50, false, 300), probe(25, false, 120)],
      bracketed: false,
    });
    expect(result).toMatchObject({ throughput_rps: 0, p99_ms: 120, bracketed: false });
  });
});
