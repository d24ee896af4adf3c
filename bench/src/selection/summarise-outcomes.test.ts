import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { WorkloadRequest } from './create-workload.js';
import type { RequestOutcome } from './replay-workload.js';
import { summariseOutcomes } from './summarise-outcomes.js';

function textRequest(index: number, tier: WorkloadRequest['tier'], budgetMs: number): WorkloadRequest {
  return {
    index,
    sendAtMs: index,
    modality: 'text',
    shape: [1, 100],
    complexity: 100,
    tier,
    budgetMs,
    tightDeadline: false,
  };
}

function answered(model: string, latencyMs: number, costMicros: number): RequestOutcome {
  return { latencyMs, statusCode: 0, model, costMicros, executeMs: 1, sendLagMs: 0, errorMessage: undefined };
}

const failed: RequestOutcome = {
  latencyMs: 200,
  statusCode: status.DEADLINE_EXCEEDED,
  model: undefined,
  costMicros: 0,
  executeMs: 0,
  sendLagMs: 0,
  errorMessage: 'deadline exceeded',
};

const WORKLOAD = [
  textRequest(0, 'free', 5_000),
  textRequest(1, 'premium', 500),
  textRequest(2, 'standard', 1_000),
  textRequest(3, 'standard', 1_000),
];
const OUTCOMES = [
  answered('text-small', 10, 20),
  answered('text-medium', 600, 60),
  answered('text-large', 40, 1_200),
  failed,
];

describe('summariseOutcomes', () => {
  it('counts an answer later than its budget and an error as SLO misses', () => {
    const summary = summariseOutcomes(WORKLOAD, OUTCOMES);
    expect(summary.requests).toBe(4);
    expect(summary.errors).toBe(1);
    expect(summary.errorsByStatus).toEqual([['DEADLINE_EXCEEDED', 1]]);
    expect(summary.sloMissPercent).toBe(50);
  });

  it('spreads cost over every request and counts an error as quality 0', () => {
    const summary = summariseOutcomes(WORKLOAD, OUTCOMES);
    expect(summary.costPerRequestMicros).toBe((20 + 60 + 1_200) / 4);
    expect(summary.quality).toBeCloseTo((0.589 + 0.743 + 0.874 + 0) / 4, 9);
  });

  it('takes latency figures from answered requests only', () => {
    const summary = summariseOutcomes(WORKLOAD, OUTCOMES);
    expect(summary.meanMs).toBeCloseTo((10 + 600 + 40) / 3, 0);
    expect(summary.p99Ms).toBeCloseTo(600, 0);
  });

  it('counts answers from a model below the tier’s quality floor', () => {
    const summary = summariseOutcomes(WORKLOAD, OUTCOMES);
    // Premium (floor 0.85) got text-medium (0.743); the free request has no floor.
    expect(summary.belowFloorPercent).toBe(25);
    expect(summary.servedBy).toEqual([
      ['text-large', 1],
      ['text-medium', 1],
      ['text-small', 1],
    ]);
  });
});
