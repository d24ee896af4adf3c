import { create } from '@bufbuild/protobuf';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import type { InferParameter } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { readRequestOptions } from './request-options.js';

const NOW = 1_700_000_000_000;
const TIER = { slaMs: 1_000, minQuality: 0.5, shareWeight: 1, ratePerSecond: 0, burst: 0, maxConcurrent: 0 };
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_DEADLINE_MS = 90_000;
type Choice = InferParameter['parameterChoice'];

function requestWith(parameters: Record<string, Choice>) {
  return create(ModelInferRequestSchema, {
    parameters: Object.fromEntries(
      Object.entries(parameters).map(([name, parameterChoice]) => [name, { parameterChoice }]),
    ),
  });
}

const read = (parameters: Record<string, Choice>, grpcDeadline: number = Infinity) =>
  readRequestOptions(
    requestWith(parameters),
    grpcDeadline,
    { defaultMs: DEFAULT_TIMEOUT_MS, maxMs: MAX_DEADLINE_MS },
    TIER,
    NOW,
  );

describe('readRequestOptions', () => {
  it("plans for the tier's budget and floor when the request sets none", () => {
    expect(read({})).toMatchObject({
      budgetMs: 1_000,
      budgetSource: 'tier',
      deadlineUnixMs: NOW + DEFAULT_TIMEOUT_MS,
      maxCostMicros: undefined,
      minQuality: 0.5,
    });
  });

  it('takes the budget from the gRPC deadline, tightened by sla_ms', () => {
    expect(read({}, NOW + 250)).toMatchObject({
      budgetMs: 250,
      budgetSource: 'deadline',
      deadlineUnixMs: NOW + 250,
    });
    const tighter = read({ sla_ms: { case: 'int64Param', value: 100n } }, NOW + 250);
    expect(tighter).toMatchObject({ budgetMs: 100, budgetSource: 'sla_ms', deadlineUnixMs: NOW + 250 });
  });

  it('keeps a long sla_ms within the hard deadline of requests without one', () => {
    const options = read({ sla_ms: { case: 'doubleParam', value: 60_000 } });
    expect(options).toMatchObject({ budgetMs: 60_000, deadlineUnixMs: NOW + 60_000 });
  });

  it('clamps a gRPC deadline, timeout or sla_ms beyond the deadline cap to the cap', () => {
    expect(read({}, NOW + 3_600_000)).toMatchObject({ deadlineUnixMs: NOW + MAX_DEADLINE_MS });
    const timeout = read({ timeout: { case: 'int64Param', value: 600_000_000n } });
    expect(timeout).toMatchObject({ deadlineUnixMs: NOW + MAX_DEADLINE_MS, budgetMs: MAX_DEADLINE_MS });
    const sla = read({ sla_ms: { case: 'doubleParam', value: 500_000 } });
    expect(sla).toMatchObject({ deadlineUnixMs: NOW + MAX_DEADLINE_MS, budgetMs: MAX_DEADLINE_MS });
  });

  it('reads max_cost in dollars and min_quality, never below the tier floor', () => {
    const options = read({
      max_cost: { case: 'doubleParam', value: 0.002 },
      min_quality: { case: 'doubleParam', value: 0.3 },
    });
    expect(options.maxCostMicros).toBeCloseTo(2_000);
    expect(options.minQuality).toBe(0.5);
    expect(read({ min_quality: { case: 'doubleParam', value: 0.8 } }).minQuality).toBe(0.8);
  });

  it('refuses parameters of the wrong type or out of range', () => {
    expect(() => read({ sla_ms: { case: 'stringParam', value: 'fast' } })).toThrow(
      /"sla_ms" must be a number/,
    );
    expect(() => read({ sla_ms: { case: 'int64Param', value: 0n } })).toThrow(/"sla_ms" must be > 0/);
    expect(() => read({ min_quality: { case: 'doubleParam', value: 1.5 } })).toThrow(/in \[0, 1\]/);
    expect(() => read({ max_cost: { case: 'doubleParam', value: -1 } })).toThrow(
      /"max_cost" must be a finite number >= 0/,
    );
  });
});
