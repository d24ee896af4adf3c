import { describe, expect, it } from 'vitest';
import {
  doublyRobustEstimate,
  fullInformationEstimate,
  isWorseBeyondInterval,
} from './estimate-policy-value.js';
import type { LoggedSample } from './estimate-policy-value.js';

describe('doublyRobustEstimate', () => {
  it('recovers the value of a policy from uniformly logged decisions when its reward model is wrong', () => {
    // Two models, logged uniformly (propensity 0.5). Model A always earns 1, B earns 0.
    // The evaluated policy always picks A; its reward model predicts 0.5 for everything.
    const samples: LoggedSample[] = [];
    for (let round = 0; round < 1_000; round += 1) {
      const loggedA = round % 2 === 0;
      samples.push({
        reward: loggedA ? 1 : 0,
        propensity: 0.5,
        targetProbability: loggedA ? 1 : 0,
        predictedReward: 0.5,
        predictedValue: 0.5,
      });
    }
    const estimate = doublyRobustEstimate(samples)!;
    expect(estimate.value).toBeCloseTo(1, 5);
    expect(estimate.lower).toBeLessThanOrEqual(estimate.value);
    expect(estimate.upper).toBeGreaterThanOrEqual(estimate.value);
  });

  it('gives no estimate from fewer than two decisions', () => {
    expect(doublyRobustEstimate([])).toBeUndefined();
  });
});

describe('isWorseBeyondInterval', () => {
  it('refuses a candidate only when its whole interval lies below the live one', () => {
    const live = fullInformationEstimate([0.8, 0.9, 0.85, 0.82, 0.88])!;
    const clearlyWorse = fullInformationEstimate([0.1, 0.2, 0.15, 0.12, 0.18])!;
    const similar = fullInformationEstimate([0.79, 0.91, 0.84, 0.8, 0.9])!;
    expect(isWorseBeyondInterval(clearlyWorse, live)).toBe(true);
    expect(isWorseBeyondInterval(similar, live)).toBe(false);
  });
});
