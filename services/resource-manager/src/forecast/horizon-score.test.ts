import { describe, expect, it } from 'vitest';
import { HorizonScore } from './horizon-score.js';

describe('HorizonScore', () => {
  it('scores a forecast against the step it was made for, allowing drift of the step end', () => {
    const score = new HorizonScore(10);
    score.expect(30_000, 12);
    score.expect(40_000, 20);

    score.settle(10, 30_004, 5_000);
    expect(score.samples()).toBe(1);
    expect(score.meanAbsoluteError()).toBe(2);

    score.settle(26, 39_998, 5_000);
    expect(score.meanAbsoluteError()).toBe(4);
  });

  it('drops forecasts whose step passed without being measured', () => {
    const score = new HorizonScore(10);
    score.expect(30_000, 12);
    score.expect(50_000, 7);

    score.settle(0, 50_000, 5_000);
    expect(score.samples()).toBe(1);
    expect(score.meanAbsoluteError()).toBe(7);
    score.settle(0, 60_000, 5_000);
    expect(score.samples()).toBe(1);
  });

  it('averages only the newest errors of its window', () => {
    const score = new HorizonScore(2);
    for (const [index, error] of [100, 1, 3].entries()) {
      const stepEndMs = (index + 1) * 10_000;
      score.expect(stepEndMs, error);
      score.settle(0, stepEndMs, 5_000);
    }
    expect(score.samples()).toBe(2);
    expect(score.meanAbsoluteError()).toBe(2);
  });

  it('reports no error before any forecast came due, and forgets pending ones on request', () => {
    const score = new HorizonScore(5);
    expect(score.meanAbsoluteError()).toBe(0);
    score.expect(10_000, 4);
    score.dropPending();
    score.settle(1, 10_000, 5_000);
    expect(score.samples()).toBe(0);
  });
});
